package import NIOCore

/// Writes WHATWG EventSource frames into a ByteBuffer.
///
/// Data is always one line of JSON: our JSON writer escapes CR and LF, so a
/// message is never split across `data:` lines.
package enum SSEFrame {
    package static func retry(milliseconds: Int, into buffer: inout ByteBuffer) {
        buffer.writeString("retry: \(milliseconds)\n\n")
    }

    /// A named event (`event: connected`) with one line of JSON data.
    package static func event(_ name: String, json: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("event: \(name)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
    }

    /// A default-type message, so `EventSource.onmessage` sees it.
    package static func message(id: UInt64, json: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("id: ")
        buffer.writeString(String(id))
        buffer.writeString("\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
    }

    package static func keepalive(into buffer: inout ByteBuffer) {
        buffer.writeString(": keepalive\n\n")
    }

    /// The empty chunk that ends an HTTP/1.1 chunked body.
    package static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    /// `body` as one HTTP/1.1 chunk (`<hex length>\r\n` … `\r\n`): framed
    /// once and shared, it goes to every client's socket as is.
    package static func chunk(_ body: ByteBuffer) -> ByteBuffer {
        var chunk = ByteBuffer()
        chunk.reserveCapacity(body.readableBytes + 12)
        chunk.writeString(String(body.readableBytes, radix: 16))
        chunk.writeStaticString("\r\n")
        chunk.writeImmutableBuffer(body)
        chunk.writeStaticString("\r\n")
        return chunk
    }
}
