package import NIOCore

/// Cuts a streamed body (`/events`, `/containers/{id}/stats?stream=true`)
/// into its newline-terminated JSON documents. Chunk boundaries mean nothing
/// on the wire: one chunk may hold half a document or several, so bytes wait
/// here until a newline completes them. No I/O, so tests feed it any split.
package struct LineFramer: Sendable {
    /// A stats document is about 2 KiB and an event well under 1 KiB; a line
    /// this long means the peer is not the Docker API, and waiting for its
    /// end would only grow memory.
    package static let defaultMaxLineBytes = 1 << 20

    private var pending: ByteBuffer
    private let maxLineBytes: Int

    package init(maxLineBytes: Int = LineFramer.defaultMaxLineBytes) {
        self.pending = ByteBuffer()
        self.maxLineBytes = maxLineBytes
    }

    /// Appends `chunk` and returns each line it completes, without the
    /// newline (nor a `\r` before it); blank lines are dropped.
    package mutating func append(_ chunk: ByteBuffer) throws(DockerError) -> [ByteBuffer] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var lines: [ByteBuffer] = []
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            guard var line = pending.readSlice(length: length) else { break }
            pending.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") {
                line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
            }
            if line.readableBytesView.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                lines.append(line)
            }
        }
        guard pending.readableBytes <= maxLineBytes else {
            throw .malformed("a streamed line passed \(maxLineBytes) bytes without a newline")
        }
        pending.discardReadBytes()
        return lines
    }

    /// Bytes received after the last newline: a document the stream cut short.
    package var remainder: Int { pending.readableBytes }
}
