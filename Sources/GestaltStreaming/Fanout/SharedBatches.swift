package import GestaltModel
package import NIOCore

/// A cursor's batch framed for one transport, ready to write.
package struct FramedBatch {
    package let buffer: ByteBuffer
    /// Where the cursor stands after it.
    package let revision: UInt64
    package let messages: Int
    /// When the store applied the oldest change in it (nil for a `full`).
    package let oldest: Timestamp?
    let coalesced: Int
    let resync: Bool
}

/// Batches framed during one pass, by the view's filter and the revision
/// they start after. Clients with the same filter at the same revision read
/// the same log entries and see the same messages (`TopologyView` is
/// stateless), so the first one frames the batch and the rest write the same
/// ByteBuffer, which NIO sends without copying: a filter is evaluated once
/// per group of clients, not once per client. One of these per framing,
/// since each frames differently.
struct SharedBatches {
    private struct Key: Hashable {
        let filter: TopologyFilter
        /// The view's hash of `filter`, so a lookup hashes no set.
        let filterHash: Int
        let delta: DeltaForm
        let from: UInt64

        func hash(into hasher: inout Hasher) {
            hasher.combine(filterHash)
            hasher.combine(from)
        }

        static func == (a: Key, b: Key) -> Bool {
            a.from == b.from && a.delta == b.delta && a.filterHash == b.filterHash && a.filter == b.filter
        }
    }

    private enum Entry {
        case batch(FramedBatch)
        /// The view saw nothing new: the cursor moves here with nothing to send.
        case nothing(through: UInt64)
    }

    private var entries: [Key: Entry] = [:]

    /// The cursor's next batch, moving the cursor past it; nil when it has nothing new.
    /// `frame` turns the cursor's messages into bytes; its flag says the batch is a resync `full`.
    mutating func next(
        for cursor: inout TopologyCursor, stats: StreamStats,
        frame: ([TopologyCursor.Message], _ resync: Bool, _ unfiltered: Bool) -> ByteBuffer
    ) -> FramedBatch? {
        let key = Key(
            filter: cursor.view.filter, filterHash: cursor.view.filterHash, delta: cursor.view.delta,
            from: cursor.revision)
        switch entries[key] {
        case .batch(let batch)?:
            cursor.follow(to: batch.revision)
            if batch.coalesced > 0 { stats.coalesced(batch.coalesced) }
            if batch.resync { stats.resynced() }
            return batch
        case .nothing(let through)?:
            cursor.follow(to: through)
            return nil
        case nil:
            break
        }
        let messages = cursor.next()
        guard !messages.isEmpty else {
            entries[key] = .nothing(through: cursor.revision)
            return nil
        }
        let batch = FramedBatch(
            buffer: frame(messages, cursor.lastWasResync, cursor.view.filter.isEverything), revision: cursor.revision,
            messages: messages.count,
            oldest: cursor.lastOldest, coalesced: cursor.lastCoalesced, resync: cursor.lastWasResync
        )
        entries[key] = .batch(batch)
        return batch
    }

    /// SSE framing: `id:` and `data:` lines per message. A resync `full`
    /// of the whole topology is framed once for every pass (`SharedFrame`).
    static func sse(_ messages: [TopologyCursor.Message], resync: Bool, unfiltered: Bool) -> ByteBuffer {
        if resync, unfiltered, let full = messages.first {
            return SharedFrame.shared.sseMessage(id: full.id, json: full.json)
        }
        var framed = ByteBuffer()
        framed.reserveCapacity(messages.reduce(0) { $0 + $1.json.count + 32 })
        for message in messages { SSEFrame.message(id: message.id, json: message.json, into: &framed) }
        return framed
    }

    /// SSE framing inside one HTTP/1.1 chunk, for clients whose frames go
    /// to the socket as they are, past the HTTP encoder.
    static func sseChunk(_ messages: [TopologyCursor.Message], resync: Bool, unfiltered: Bool) -> ByteBuffer {
        SSEFrame.chunk(sse(messages, resync: resync, unfiltered: unfiltered))
    }

    /// WebSocket framing: a `topology` envelope per message, as text frames.
    static func webSocket(_ messages: [TopologyCursor.Message], timestamp: [UInt8], fragmentBytes: Int) -> ByteBuffer {
        var framed = ByteBuffer()
        var envelope = ByteBuffer()
        for message in messages {
            envelope.clear()
            WebSocketEnvelope.write(
                .topology, payload: message.json, timestamp: timestamp, id: message.id, into: &envelope)
            // Checked like every other outgoing message in debug builds (every test
            // run). Not in release: the check parses into Foundation objects the JSON
            // the fan-out just encoded, once per delta at thousands of deltas a second,
            // where encoding is the fan-out's main cost. Job messages, a few per job,
            // are checked in every build where they are made (JobChannelGate).
            assert(
                WebSocketMessageValidator.problems(in: envelope.readableBytesView).isEmpty, "invalid outgoing message")
            WebSocketWire.writeMessage(envelope.readableBytesView, fragmentBytes: fragmentBytes, into: &framed)
        }
        return framed
    }
}
