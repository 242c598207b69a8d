import CompressNIO
import GestaltModel
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket client of the load tool, all on its channel's event loop:
/// it subscribes to the topology channel, answers the server's `ping`
/// messages with `pong`, and counts `topology` messages. A measuring client
/// also records change → client latency from the payload's `timestamp` (the
/// envelope writes the payload before its own timestamp, so the first
/// `"timestamp"` of a message is the update's), like the SSE clients.
///
/// It reads frames, not assembled messages (`WebSocketFrameScanner`): a
/// `full` larger than 16 KiB arrives as continuation frames, and only a
/// measuring client keeps the bytes of a message; the others look at the
/// first frame's type alone. With `deflate` it offers permessage-deflate as
/// browsers do, and inflates the messages the server compressed (each on its
/// own: the server keeps no context between them) before looking at them.
///
/// Against a server without gestalt's envelope (nchan sends each published
/// body as one text frame), `enveloped: false` counts every text message and
/// sends no subscribe.
final class WebSocketLoadClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let subscribe = #"{"type":"subscribe","payload":{"channels":["topology"]}}"#
    static let pong = #"{"type":"pong"}"#
    static let topologyPrefix: [UInt8] = Array(#"{"type":"topology""#.utf8)
    static let pingPrefix: [UInt8] = Array(#"{"type":"ping""#.utf8)

    private let counters: LoadCounters
    private let measure: Bool
    /// Sent once the handshake is done; nil sends nothing.
    private let subscribeMessage: String?
    /// Messages are gestalt's envelopes: count `topology` ones, answer `ping`s.
    private let enveloped: Bool
    private var scanner = WebSocketFrameScanner()
    private var tally: ClientTally
    private var message: [UInt8] = []
    private var isTopology = false
    /// The compressed message being received, when its first frame had RSV1.
    private var compressed: ByteBuffer?
    private var inflater: ZlibDecompressor?

    init(
        counters: LoadCounters, measure: Bool, subscribe: String? = WebSocketLoadClient.subscribe,
        enveloped: Bool = true
    ) {
        self.counters = counters
        self.tally = ClientTally(counters: counters)
        self.measure = measure
        self.subscribeMessage = subscribe
        self.enveloped = enveloped
    }

    /// A whole compressed message, inflated (RFC 7692 §7.2.2).
    private func inflate(_ message: inout ByteBuffer) -> ByteBuffer? {
        message.writeBytes([0, 0, 0xFF, 0xFF])
        do {
            if inflater == nil { inflater = try ZlibDecompressor(algorithm: .deflate, windowSize: 15) }
            defer { try? inflater?.reset() }
            return try message.decompressStream(with: inflater!, maxSize: 1 << 26)
        } catch {
            counters.noteError(error)
            return nil
        }
    }

    /// Added once the handshake is done: subscribe at once.
    func handlerAdded(context: ChannelHandlerContext) {
        if let subscribeMessage { send(Self.text, Array(subscribeMessage.utf8), context: context) }
        tally.connected()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var count = 0
        let now = Timestamp.now().millisecondsSince1970
        scanner.feed(unwrapInboundIn(data)) { opcode, fin, rsv1, payload in
            if rsv1 || (opcode == 0x0 && compressed != nil) {
                if rsv1 { compressed = ByteBuffer() }
                compressed!.writeBytes(payload)
                guard fin, var whole = compressed else { return }
                compressed = nil
                guard let inflated = inflate(&whole) else { return }
                take(inflated.readableBytesView, fin: true, now: now, count: &count, context: context)
                return
            }
            switch opcode {
            case 0x9:  // a protocol ping
                send(0xA, Array(payload), context: context)
                return
            case 0x8:  // close: answer it, then go
                send(0x8, Array(payload.prefix(2)), context: context)
                context.close(promise: nil)
                return
            case 0x1, 0x2:
                take(payload, fin: fin, now: now, count: &count, context: context)
            case 0x0:
                continueMessage(payload, fin: fin, now: now, count: &count)
            default:
                return
            }
        }
        if count > 0 { counters.messages.add(count, ordering: .relaxed) }
    }

    /// A message's first frame (or a whole inflated message).
    private func take(
        _ payload: ByteBufferView, fin: Bool, now: Int64, count: inout Int, context: ChannelHandlerContext
    ) {
        isTopology = !enveloped || payload.starts(with: Self.topologyPrefix)
        message.removeAll(keepingCapacity: true)
        if enveloped, !isTopology, payload.starts(with: Self.pingPrefix) {
            send(Self.text, Array(Self.pong.utf8), context: context)
        }
        continueMessage(payload, fin: fin, now: now, count: &count)
    }

    private func continueMessage(_ payload: ByteBufferView, fin: Bool, now: Int64, count: inout Int) {
        guard isTopology else { return }
        if measure { message.append(contentsOf: payload) }
        guard fin else { return }
        count += 1
        if measure, let stamp = SSEScanner.timestampMilliseconds(in: message[...]) {
            tally.latency(Double(now - stamp))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tally.ended()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.noteError(error)
        context.close(promise: nil)
    }

    private static let text: UInt8 = 0x1

    /// Sends one masked frame, as a client must (RFC 6455 §5.3).
    private func send(_ opcode: UInt8, _ payload: [UInt8], context: ChannelHandlerContext) {
        var frame = context.channel.allocator.buffer(capacity: payload.count + 14)
        frame.writeInteger(0x80 | opcode)
        if payload.count < 126 {
            frame.writeInteger(0x80 | UInt8(payload.count))
        } else {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(payload.count))
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame.writeBytes(mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}

/// Sends the opening handshake and waits for the server's 101; then swaps
/// itself for the frame codec and the client.
final class WebSocketHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let host: String
    private let path: String
    /// Offer permessage-deflate, as Chromium does.
    private let deflate: Bool
    private let client: WebSocketLoadClient
    private let counters: LoadCounters
    private var received = ByteBuffer()

    init(
        host: String, path: String = "/api/infra/ws", deflate: Bool = false, client: WebSocketLoadClient,
        counters: LoadCounters
    ) {
        self.host = host
        self.path = path
        self.deflate = deflate
        self.client = client
        self.counters = counters
    }

    func channelActive(context: ChannelHandlerContext) {
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(NIOWebSocketClientUpgrader.randomRequestKey())\r\n"
            + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "") + "\r\n"
        context.writeAndFlush(NIOAny(ByteBuffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        let view = received.readableBytesView
        guard let end = view.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return }
        guard view.starts(with: Array("HTTP/1.1 101".utf8)) else {
            counters.noteError("handshake refused: \(String(decoding: view.prefix(40), as: UTF8.self))")
            context.close(promise: nil)
            return
        }
        let leftover = received.getSlice(at: end, length: view.endIndex - end)
        do {
            try context.pipeline.syncOperations.addHandler(client)
        } catch {
            counters.noteError(error)
            context.close(promise: nil)
            return
        }
        if let leftover, leftover.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(leftover)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.noteError(error)
        context.close(promise: nil)
    }
}
