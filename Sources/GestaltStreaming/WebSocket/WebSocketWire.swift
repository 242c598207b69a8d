package import NIOCore

/// Server-to-client WebSocket frames written as bytes (RFC 6455 §5.2: FIN,
/// opcode, length, no mask). The event-loop session frames its messages
/// itself, so one buffer of frames can be shared by every session it suits
/// and go to each socket in a single write.
package enum WebSocketWire {
    package enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
    }

    /// Appends one message as frames: a text frame, split into continuation
    /// frames of at most `fragmentBytes` payload bytes each.
    package static func writeMessage(_ message: ByteBufferView, fragmentBytes: Int, into buffer: inout ByteBuffer) {
        var start = message.startIndex
        var opcode = Opcode.text
        repeat {
            let end = min(message.endIndex, start + max(1, fragmentBytes))
            writeFrame(opcode, fin: end == message.endIndex, payload: message[start..<end], into: &buffer)
            opcode = .continuation
            start = end
        } while start < message.endIndex
    }

    /// Appends one frame.
    package static func writeFrame(
        _ opcode: Opcode, fin: Bool = true, payload: ByteBufferView, into buffer: inout ByteBuffer
    ) {
        buffer.writeInteger((fin ? 0x80 : 0) | opcode.rawValue)
        let length = payload.count
        switch length {
        case ..<126:
            buffer.writeInteger(UInt8(length))
        case ..<65_536:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeBytes(payload)
    }
}
