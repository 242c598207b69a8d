import GestaltModel
import NIOCore

/// Something the fan-out visits on every pass of its event loop: an SSE
/// client (`FanoutClient`) or a WebSocket session served from the loop.
/// Members live on their channel's loop, and every call comes from there.
package protocol FanoutMember: AnyObject {
    /// Write whatever the store has that this member has not sent yet, or a
    /// keepalive when it has been idle.
    func fanoutPass(_ pass: inout FanoutPass)
    /// The store closed (shutdown): end the stream.
    func fanoutFinish(_ reason: DisconnectReason)
    /// Position in the loop's list, for removal in O(1); the fan-out's own.
    var fanoutIndex: Int? { get set }
    /// Whether new events (not only topology changes) call for a pass.
    var fanoutWantsEvents: Bool { get }
}

extension FanoutMember {
    package var fanoutWantsEvents: Bool { false }
}

/// One pass over a loop's members.
package struct FanoutPass {
    package let now: ContinuousClock.Instant
    /// Framed SSE batches, shared by clients with the same filter at the same revision.
    private var sse = SharedBatches()
    /// The same inside HTTP/1.1 chunks, for clients written past the HTTP encoder.
    private var sseChunks = SharedBatches()
    /// What the pass's SSE clients were sent, recorded in the stats once at its end.
    var delivered = DeliveryTally()
    /// The same as WebSocket frames, with the pass's envelope timestamp.
    private var webSocket = SharedBatches()
    private var webSocketTimestamp: [UInt8]?

    init(now: ContinuousClock.Instant) { self.now = now }

    /// The cursor's next batch as SSE messages; nil when it is up to date.
    mutating func sseBatch(for cursor: inout TopologyCursor, stats: StreamStats, chunked: Bool) -> FramedBatch? {
        chunked
            ? sseChunks.next(for: &cursor, stats: stats, frame: SharedBatches.sseChunk)
            : sse.next(for: &cursor, stats: stats, frame: SharedBatches.sse)
    }

    /// The cursor's next batch as WebSocket text frames of `topology`
    /// envelopes, shared by unfiltered sessions at the same revision; nil
    /// when it is up to date.
    package mutating func webSocketBatch(
        for cursor: inout TopologyCursor, stats: StreamStats, fragmentBytes: Int
    ) -> FramedBatch? {
        let timestamp = webSocketTimestamp ?? Timestamp.now().rfc3339Bytes
        webSocketTimestamp = timestamp
        return webSocket.next(for: &cursor, stats: stats) { messages, _, _ in
            SharedBatches.webSocket(messages, timestamp: timestamp, fragmentBytes: fragmentBytes)
        }
    }
}
