import NIOCore

/// Splits the server's (unmasked) WebSocket frames out of the bytes as they
/// arrive, without a frame object or a copy per frame: the load tool's
/// 1,000 clients reading a million messages a second would otherwise spend
/// more CPU than the server that writes them. Only a frame cut off by the
/// end of a read is copied, to be finished by the next one.
struct WebSocketFrameScanner {
    private var partial: ByteBuffer?

    /// Calls `frame` with each complete frame's opcode, FIN bit, RSV1 bit
    /// (permessage-deflate's "compressed") and payload.
    mutating func feed(
        _ bytes: ByteBuffer, _ frame: (_ opcode: UInt8, _ fin: Bool, _ rsv1: Bool, _ payload: ByteBufferView) -> Void
    ) {
        var buffer: ByteBuffer
        if var partial {
            var bytes = bytes
            partial.writeBuffer(&bytes)
            buffer = partial
            self.partial = nil
        } else {
            buffer = bytes
        }
        while let (header, length) = Self.header(in: buffer), buffer.readableBytes >= header + length {
            let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self)!
            let start = buffer.readerIndex + header
            frame(
                first & 0x0F, first & 0x80 != 0, first & 0x40 != 0, buffer.readableBytesView[start..<(start + length)])
            buffer.moveReaderIndex(forwardBy: header + length)
        }
        if buffer.readableBytes > 0 {
            var rest = ByteBuffer()
            rest.writeImmutableBuffer(buffer)
            partial = rest
        }
    }

    /// The header's size and the payload's length, when the header is all there.
    private static func header(in buffer: ByteBuffer) -> (Int, Int)? {
        guard buffer.readableBytes >= 2, let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)
        else { return nil }
        let masked = second & 0x80 != 0 ? 4 : 0
        switch second & 0x7F {
        case 126:
            guard let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self) else { return nil }
            return (4 + masked, Int(length))
        case 127:
            guard let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt64.self) else { return nil }
            return (10 + masked, Int(length))
        case let length:
            return (2 + masked, Int(length))
        }
    }
}
