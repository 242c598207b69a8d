public import GestaltModel
public import NIOCore

/// A cursor's batch framed for one transport, ready to write.
public struct FramedBatch {
    public let buffer: ByteBuffer
    /// Where the cursor stands after it.
    public let revision: UInt64
    public let messages: Int
    /// When the store applied the oldest change in it (nil for a `full`).
    public let oldest: Timestamp?
    let coalesced: Int
    let resync: Bool
}

/// Batches framed during one pass, by the revision they start after. Unfiltered
/// clients at the same revision read the same log entries and coalesce them
/// the same way, so the first one frames the batch and the rest write the
/// same ByteBuffer, which NIO sends without copying. One of these per
/// transport, since each frames differently.
struct SharedBatches {
    private var byRevision: [UInt64: FramedBatch] = [:]

    /// The cursor's next batch, moving the cursor past it; nil when it has nothing new.
    /// `frame` turns the cursor's messages into bytes; its flag says the batch is a resync `full`.
    mutating func next(
        for cursor: inout TopologyCursor, stats: StreamStats,
        frame: ([TopologyCursor.Message], _ resync: Bool, _ shareable: Bool) -> ByteBuffer
    ) -> FramedBatch? {
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
        let batch = FramedBatch(
            buffer: frame(messages, cursor.lastWasResync, shareable), revision: cursor.revision, messages: messages.count,
            oldest: cursor.lastOldest, coalesced: cursor.lastCoalesced, resync: cursor.lastWasResync
        )
        if shareable { byRevision[from] = batch }
        return batch
    }

    /// SSE framing: `id:` and `data:` lines per message. A resync `full`
    /// of the whole topology is framed once for every pass (`SharedFrame`).
    static func sse(_ messages: [TopologyCursor.Message], resync: Bool, shareable: Bool) -> ByteBuffer {
        if resync, shareable, let full = messages.first {
            return SharedFrame.shared.sseMessage(id: full.id, json: full.json)
        }
        var framed = ByteBuffer()
        for message in messages { SSEFrame.message(id: message.id, json: message.json, into: &framed) }
        return framed
    }

    /// WebSocket framing: a `topology` envelope per message, as text frames.
    static func webSocket(_ messages: [TopologyCursor.Message], timestamp: [UInt8], fragmentBytes: Int) -> ByteBuffer {
        var framed = ByteBuffer()
        var envelope = ByteBuffer()
        for message in messages {
            envelope.clear()
            WebSocketEnvelope.write(.topology, payload: message.json, timestamp: timestamp, id: message.id, into: &envelope)
            // Checked like every other outgoing message, in debug builds (every test run).
            assert(WebSocketMessageValidator.problems(in: envelope.readableBytesView).isEmpty, "invalid outgoing message")
            WebSocketWire.writeMessage(envelope.readableBytesView, fragmentBytes: fragmentBytes, into: &framed)
        }
        return framed
    }
}
