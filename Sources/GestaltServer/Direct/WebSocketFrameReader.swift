import NIOCore
import NIOWebSocket

/// A direct WebSocket session's client frames, read from the socket's bytes.
///
/// It answers as NIO's `WebSocketFrameDecoder` does (the same frames, the
/// same `NIOWebSocketError`s, checked as soon as a frame's length is known,
/// and nothing read after an error), but holds only the bytes of a frame not
/// yet whole. The decoder behind a `ByteToMessageHandler` was about 450 bytes
/// of every idle WebSocket client: the handler and its two rings (heaptrack,
/// docs/BENCHMARKS.md).
final class WebSocketFrameReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = WebSocketFrame

    private let maxFrameSize: Int
    /// The start of a frame whose bytes are not all in yet.
    private var pending: ByteBuffer?
    private var failed = false

    init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var bytes = unwrapInboundIn(data)
        if var held = pending {
            pending = nil
            held.writeBuffer(&bytes)
            bytes = held
        }
        do {
            while let frame = try Self.frame(from: &bytes, maxFrameSize: maxFrameSize) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            failed = true
            context.fireErrorCaught(error)
            return
        }
        if bytes.readableBytes > 0 { pending = bytes }
    }

    /// The next whole frame at the reader index, consumed; nil, with nothing
    /// consumed, while some of it has not come in yet.
    static func frame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(NIOWebSocketError) -> WebSocketFrame? {
        var view = buffer
        guard let first = view.readInteger(as: UInt8.self), let second = view.readInteger(as: UInt8.self) else {
            return nil
        }
        let length: Int
        switch second & 0x7F {
        case 126:
            guard let word = view.readInteger(as: UInt16.self) else { return nil }
            length = Int(word)
        case 127:
            guard let word = view.readInteger(as: UInt64.self) else { return nil }
            guard word <= UInt64(Int.max) else { throw .invalidFrameLength }
            length = Int(word)
        case let short:
            length = Int(short)
        }
        guard length <= maxFrameSize else { throw .invalidFrameLength }
        let control = first & 0x08 != 0, fin = first & 0x80 != 0
        if control, !fin { throw .fragmentedControlFrame }
        if control, length > 125 { throw .multiByteControlFrameLength }
        var maskKey: WebSocketMaskingKey?
        if second & 0x80 != 0 {
            guard view.readableBytes >= 4 else { return nil }
            maskKey = WebSocketMaskingKey(view.readableBytesView.prefix(4))
            view.moveReaderIndex(forwardBy: 4)
        }
        guard let data = view.readSlice(length: length) else { return nil }
        buffer = view
        return WebSocketFrame(
            fin: fin, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
            // Every value of the low four bits is an opcode.
            opcode: WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F)!, maskKey: maskKey, data: data)
    }
}
