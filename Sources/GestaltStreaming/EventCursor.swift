package import GestaltEngine
package import GestaltModel
package import NIOCore

/// Where one SSE events client stands in the store's event log, keyed on
/// `seq`, and how what comes next is framed for it. The fan-out drives it
/// from the client's event loop (`TopologyFanout.startEvents`), like a
/// topology client's `TopologyCursor`.
///
/// A fresh connection starts from now (history is `GET /api/infra/events`);
/// a `Last-Event-ID` inside the retained window replays exactly the missed
/// events; an older or unknown one starts from now with `resumed: false`.
package struct EventCursor: Sendable {
    let store: TopologyStore
    let filter: EventFilter
    let options: StreamOptions
    let stats: StreamStats
    /// The last event seq the client was brought past (sent, or filtered out).
    package private(set) var seq: UInt64 = 0

    package init(store: TopologyStore, filter: EventFilter, options: StreamOptions, stats: StreamStats) {
        self.store = store
        self.filter = filter
        self.options = options
        self.stats = stats
    }

    /// `retry`, `connected`, and the missed events of a resume in the window.
    package mutating func opening(resumeFrom: UInt64?) -> (buffer: ByteBuffer, messages: Int) {
        var buffer = ByteBuffer()
        SSEFrame.retry(milliseconds: options.retryMilliseconds, into: &buffer)
        if let resumeFrom, let missed = store.events(after: resumeFrom) {
            seq = resumeFrom
            SSEFrame.event(
                "connected",
                json: ConnectedMessage.json(counter: "seq", missed.last?.event.seq ?? resumeFrom, resumed: true),
                into: &buffer)
            let messages = write(missed, into: &buffer)
            return (buffer, messages)
        }
        seq = store.eventSeq
        SSEFrame.event("connected", json: ConnectedMessage.json(counter: "seq", seq, resumed: false), into: &buffer)
        return (buffer, 0)
    }

    /// The next events past the cursor that the filter admits, at most
    /// `batchLimit` read, framed; nil once none is left. A client that fell
    /// out of the retained window skips to now.
    package mutating func next() -> (buffer: ByteBuffer, messages: Int)? {
        while seq < store.eventSeq {
            guard let batch = store.events(after: seq, limit: options.batchLimit) else {
                seq = store.eventSeq
                return nil
            }
            guard !batch.isEmpty else { return nil }
            var buffer = ByteBuffer()
            let messages = write(batch, into: &buffer)
            if messages > 0 { return (buffer, messages) }
        }
        return nil
    }

    private mutating func write(_ batch: [LoggedEvent], into buffer: inout ByteBuffer) -> Int {
        let before = buffer.writerIndex
        var count = 0
        for logged in batch {
            seq = logged.event.seq
            guard filter.matches(logged.event) else { continue }
            SSEFrame.message(id: logged.event.seq, json: logged.json, into: &buffer)
            count += 1
        }
        stats.sent(messages: count, bytes: buffer.writerIndex - before)
        return count
    }
}
