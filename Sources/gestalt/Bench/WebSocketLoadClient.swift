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
/// It reads frames, not assembled messages: a `full` larger than 16 KiB
/// arrives as continuation frames, and only a measuring client keeps the
/// bytes of a message; the others look at the first frame's type alone.
/// It offers no compression.
final class WebSocketLoadClient: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    static let subscribe = #"{"type":"subscribe","payload":{"channels":["topology"]}}"#
    static let pong = #"{"type":"pong"}"#
    static let topologyPrefix: [UInt8] = Array(#"{"type":"topology""#.utf8)
    static let pingPrefix: [UInt8] = Array(#"{"type":"ping""#.utf8)

    private let counters: LoadCounters
    private let measure: Bool
    private var latencies = LatencyBuffer()
    private var message: [UInt8] = []
    private var isTopology = false
    private var counted = false

    init(counters: LoadCounters, measure: Bool) {
        self.counters = counters
        self.measure = measure
    }

    /// Added once the handshake is done: subscribe at once.
    func handlerAdded(context: ChannelHandlerContext) {
        send(Self.subscribe, context: context)
        counted = true
        counters.connected.add(1, ordering: .relaxed)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.data)), promise: nil)
            return
        case .connectionClose:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.data)))
                .whenComplete { _ in context.close(promise: nil) }
            return
        case .text, .binary:
            isTopology = Self.starts(frame.data, with: Self.topologyPrefix)
            message.removeAll(keepingCapacity: true)
            if !isTopology, Self.starts(frame.data, with: Self.pingPrefix) { send(Self.pong, context: context) }
        case .continuation:
            break
        default:
            return
        }
        guard isTopology else { return }
        if measure { message.append(contentsOf: frame.data.readableBytesView) }
        guard frame.fin else { return }
        counters.messages.add(1, ordering: .relaxed)
        if measure, let stamp = SSEScanner.timestampMilliseconds(in: message[...]) {
            latencies.add(Double(Timestamp.now().millisecondsSince1970 - stamp), to: counters)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted { counters.connected.subtract(1, ordering: .relaxed) }
        counted = false
        latencies.flush(to: counters)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.noteError(error)
        context.close(promise: nil)
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    static func starts(_ buffer: ByteBuffer, with prefix: [UInt8]) -> Bool {
        guard buffer.readableBytes >= prefix.count else { return false }
        return buffer.readableBytesView.prefix(prefix.count).elementsEqual(prefix)
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
        let request = "GET /api/infra/ws HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
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
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(WebSocketFrameEncoder())
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
            try pipeline.addHandler(client)
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
