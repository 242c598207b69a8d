package import NIOCore
import Synchronization

/// One framed copy of a large message (a `full` snapshot) shared by every
/// client that sends it: writing the same ByteBuffer to many channels does
/// not copy it, so a thousand clients connecting at once cost one frame, not
/// a thousand.
///
/// The key is the JSON array's storage itself: the store hands every client
/// the same array for a revision's `full`, and the cache keeps that array
/// alive, so its address cannot be reused for different bytes.
package final class SharedFrame: Sendable {
    package static let shared = SharedFrame()

    private struct Entry {
        let json: [UInt8]
        let frame: ByteBuffer
    }

    private let entry = Mutex<Entry?>(nil)

    package init() {}

    /// The SSE message for `json` with `id`, framed once per distinct array.
    package func sseMessage(id: UInt64, json: [UInt8]) -> ByteBuffer {
        if let cached = entry.withLock({ $0 }), Self.same(cached.json, json) { return cached.frame }
        var frame = ByteBuffer()
        frame.reserveCapacity(json.count + 32)
        SSEFrame.message(id: id, json: json, into: &frame)
        entry.withLock { $0 = Entry(json: json, frame: frame) }
        return frame
    }

    private static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count
            && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
    }
}
