import Foundation
import NIOCore

/// Splits a watch body into lines. Chunk boundaries mean nothing on the wire:
/// one chunk may hold half an event or several, so bytes wait here until a
/// newline completes them.
struct LineSplitter {
    private var pending = Data()

    /// Appends bytes and returns every line they complete, without the newline.
    mutating func append(_ buffer: ByteBuffer) -> [Data] {
        pending.append(contentsOf: buffer.readableBytesView)
        var lines: [Data] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[start..<newline]
            if !line.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: " ") }) { lines.append(Data(line)) }
            start = pending.index(after: newline)
        }
        pending = Data(pending[start...])
        return lines
    }

    /// Bytes received after the last newline.
    var remainder: Int { pending.count }
}
