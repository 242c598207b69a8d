import NIOCore

/// Batches framed during one pass, by the revision they start after. Unfiltered
/// clients at the same revision read the same log entries and coalesce them
/// the same way, so the first one frames the batch and the rest write the
/// same ByteBuffer, which NIO sends without copying.
struct SharedBatches {
    struct Batch {
        let buffer: ByteBuffer
        let revision: UInt64
        let messages: Int
        let coalesced: Int
        let resync: Bool
    }

    private var byRevision: [UInt64: Batch] = [:]

    /// The cursor's next batch, moving the cursor past it; nil when it has nothing new.
    mutating func next(for cursor: inout TopologyCursor, stats: StreamStats) -> Batch? {
        let shareable = cursor.view.filter.isEverything
        let from = cursor.revision
        if shareable, let batch = byRevision[from] {
            cursor.follow(to: batch.revision)
            if batch.coalesced > 0 { stats.coalesced(batch.coalesced) }
            if batch.resync { stats.resynced() }
            return batch
        }
        let messages = cursor.next()
        guard !messages.isEmpty else { return nil }
        let buffer: ByteBuffer
        if cursor.lastWasResync, shareable, let full = messages.first {
            buffer = SharedFrame.shared.sseMessage(id: full.id, json: full.json)
        } else {
            var framed = ByteBuffer()
            for message in messages { SSEFrame.message(id: message.id, json: message.json, into: &framed) }
            buffer = framed
        }
        let batch = Batch(
            buffer: buffer, revision: cursor.revision, messages: messages.count,
            coalesced: cursor.lastCoalesced, resync: cursor.lastWasResync
        )
        if shareable { byRevision[from] = batch }
        return batch
    }
}
