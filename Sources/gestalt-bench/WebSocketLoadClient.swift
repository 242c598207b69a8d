import GestaltModel
import NIOCore
import NIOWebSocket

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
/// first frame's type alone. It offers no compression.
final class WebSocketLoadClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let subscribe = #"{"type":"subscribe","payload":{"channels":["topology"]}}"#
    static let pong = #"{"type":"pong"}"#
    static let topologyPrefix: [UInt8] = Array(#"{"type":"topology""#.utf8)
    static let pingPrefix: [UInt8] = Array(#"{"type":"ping""#.utf8)

    private let counters: LoadCounters
    private let measure: Bool
    private var scanner = WebSocketFrameScanner()
    private var tally: ClientTally
    private var message: [UInt8] = []
    private var isTopology = false

    init(counters: LoadCounters, measure: Bool) {
        self.counters = counters
        self.tally = ClientTally(counters: counters)
        self.measure = measure
    }

    /// Added once the handshake is done: subscribe at once.
    func handlerAdded(context: ChannelHandlerContext) {
        send(Self.text, Array(Self.subscribe.utf8), context: context)
        tally.connected()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var count = 0
        let now = Timestamp.now().millisecondsSince1970
        scanner.feed(unwrapInboundIn(data)) { opcode, fin, payload in
            switch opcode {
            case 0x9:  // a protocol ping
                send(0xA, Array(payload), context: context)
                return
            case 0x8:  // close: answer it, then go
                send(0x8, Array(payload.prefix(2)), context: context)
                context.close(promise: nil)
                return
            case 0x1, 0x2:
                isTopology = payload.starts(with: Self.topologyPrefix)
                message.removeAll(keepingCapacity: true)
                if !isTopology, payload.starts(with: Self.pingPrefix) {
                    send(Self.text, Array(Self.pong.utf8), context: context)
                }
            case 0x0:
                break
            default:
                return
            }
            guard isTopology else { return }
            if measure { message.append(contentsOf: payload) }
            guard fin else { return }
            count += 1
            if measure, let stamp = SSEScanner.timestampMilliseconds(in: message[...]) {
                tally.latency(Double(now - stamp))
            }
        }
        if count > 0 { counters.messages.add(count, ordering: .relaxed) }
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
    private let client: WebSocketLoadClient
    private let counters: LoadCounters
    private var received = ByteBuffer()

    init(host: String, client: WebSocketLoadClient, counters: LoadCounters) {
        self.host = host
        self.client = client
        self.counters = counters
    }

    func channelActive(context: ChannelHandlerContext) {
        let request =
            "GET /api/infra/ws HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(NIOWebSocketClientUpgrader.randomRequestKey())\r\n\r\n"
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
