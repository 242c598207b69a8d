import NIOCore

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Counts the SSE messages that carry an `id:` as chunks arrive, finding line
/// ends with memchr and copying nothing, so 1,000 load clients cost the
/// load tool little; a client that measures latency also gets each message's
/// bytes. (`SSEScanner` hands every message over, for the benches that parse them.)
struct SSEMessageCounter {
    /// Keep and hand over each message's bytes.
    let keepBytes: Bool
    private var lastByte: UInt8 = 0
    /// The current message's first bytes, enough to tell an `id:` line.
    private var head: [UInt8] = []
    private var bytes: [UInt8] = []

    init(keepBytes: Bool) { self.keepBytes = keepBytes }

    /// Calls `message` for each complete message with an id in `chunk`,
    /// with its bytes when `keepBytes`.
    mutating func feed(_ chunk: ByteBuffer, _ message: (ArraySlice<UInt8>?) -> Void) {
        chunk.withUnsafeReadableBytes { raw in
            guard raw.count > 0, let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            let count = raw.count
            var i = 0
            while i < count {
                let found = memchr(base + i, 10, count - i)
                let end = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count - 1
                let stop = found == nil ? count : end + 1
                take(UnsafeBufferPointer(start: base + i, count: stop - i))
                if found != nil {
                    let previous = end > 0 ? base[end - 1] : lastByte
                    if previous == 10 { finishMessage(message) }
                }
                i = stop
            }
            lastByte = base[count - 1]
        }
    }

    private mutating func take(_ segment: UnsafeBufferPointer<UInt8>) {
        if head.count < 3 { head.append(contentsOf: segment.prefix(3 - head.count)) }
        if keepBytes { bytes.append(contentsOf: segment) }
    }

    private mutating func finishMessage(_ message: (ArraySlice<UInt8>?) -> Void) {
        if head.elementsEqual("id:".utf8) { message(keepBytes ? bytes[...] : nil) }
        head.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }
}
