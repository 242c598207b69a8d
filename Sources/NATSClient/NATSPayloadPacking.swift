import NIOCore

/// Gives decoded payloads storage of their own, many payloads per allocation.
///
/// The decoder hands out payloads as slices of the socket's read buffer (no
/// copy). A message kept by a slow subscriber must not pin that whole read
/// (up to 256 KB), or the subscription's byte limit would say nothing about
/// the memory it holds. So after each read the payloads are copied out into
/// chunks of at most `chunkBytes`, one chunk per run of consecutive messages
/// of one subscription: a chunk holds only payloads its subscription already
/// counts against its limits, and a message kept past its siblings pins at
/// most `chunkBytes` (or its own size, when larger).
///
/// Against one right-sized copy per message this turns two allocations and
/// two frees per message (the buffer's storage object and its bytes; the
/// frees on the consumer's thread) into two per chunk of ~100 small messages.
enum NATSPayloadPacking {
    static let chunkBytes = 16 * 1024

    /// Packs the payloads of `messages[start...]`, which may be slices of a read buffer.
    static func pack(_ messages: inout [NATSMessage], from start: Int, allocator: ByteBufferAllocator) {
        var first = start
        while first < messages.count {
            let sid = messages[first].sid
            var end = first, used = 0
            while end < messages.count, messages[end].sid == sid {
                let size = messages[end].payload.readableBytes
                guard end == first || used + size <= chunkBytes else { break }
                used += size
                end += 1
            }
            var chunk = allocator.buffer(capacity: used)
            for index in first..<end { chunk.writeImmutableBuffer(messages[index].payload) }
            // Slices are taken only once every write is done: a write into a
            // shared chunk would copy it.
            var offset = chunk.readerIndex
            for index in first..<end {
                let size = messages[index].payload.readableBytes
                messages[index].payload = chunk.getSlice(at: offset, length: size)!
                offset += size
            }
            first = end
        }
    }
}
