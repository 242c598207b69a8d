package import GestaltEngine
package import GestaltModel
package import NIOCore

/// One client's SSE stream of events, keyed on `seq`.
///
/// A fresh connection starts from now (history is `GET /api/infra/events`);
/// a `Last-Event-ID` inside the retained window replays exactly the missed
/// events; an older or unknown one starts from now with `resumed: false`.
package struct EventFeed: AsyncSequence, Sendable {
    package typealias Element = ByteBuffer

    let store: TopologyStore
    let filter: EventFilter
    let resumeFrom: UInt64?
    let options: StreamOptions
    let stats: StreamStats
    let subscription: ChangeSignal.Subscription

    package init(
        store: TopologyStore, filter: EventFilter, resumeFrom: UInt64?, options: StreamOptions, stats: StreamStats
    ) {
        self.store = store
        self.filter = filter
        self.resumeFrom = resumeFrom
        self.options = options
        self.stats = stats
        self.subscription = store.eventSignal.subscribe()
    }

    package func cancel() { subscription.cancel() }

    /// Writes the stream until the client goes away, a write fails, or shutdown.
    /// - Parameter connection: the registry entry to report progress and writes to.
    package func run(connection: StreamConnection? = nil, _ write: (ByteBuffer) async throws -> Void) async throws {
        stats.opened(.events)
        defer { stats.closed(.events) }
        var iterator = makeAsyncIterator()
        while let buffer = await iterator.next() {
            connection?.progressed(eventSeq: iterator.cursor)
            connection?.writeStarted(bytes: buffer.readableBytes)
            try await write(buffer)
            connection?.writeFinished(messages: iterator.lastMessageCount, bytes: buffer.readableBytes)
        }
    }

    package func makeAsyncIterator() -> Iterator { Iterator(feed: self) }

    package struct Iterator: AsyncIteratorProtocol {
        let feed: EventFeed
        var cursor: UInt64 = 0
        var started = false
        var lastWrite: ContinuousClock.Instant = .now
        var closed = false
        /// Messages in the buffer `next()` returned last (keepalives count none).
        var lastMessageCount = 0

        package mutating func next() async -> ByteBuffer? {
            lastMessageCount = 0
            if closed { return nil }
            if !started {
                started = true
                return opening()
            }
            while true {
                switch await feed.subscription.wait(after: cursor) {
                case .closed:
                    closed = true
                    return nil
                case .tick:
                    if ContinuousClock.now - lastWrite >= feed.options.keepalive {
                        lastWrite = .now
                        var buffer = ByteBuffer()
                        SSEFrame.keepalive(into: &buffer)
                        return buffer
                    }
                case .changed:
                    var buffer = ByteBuffer()
                    if let batch = feed.store.events(after: cursor, limit: feed.options.batchLimit) {
                        write(batch, into: &buffer)
                    } else {
                        // Fell out of the retained window: skip to now.
                        cursor = feed.store.eventSeq
                    }
                    if buffer.readableBytes > 0 { lastWrite = .now; return buffer }
                }
            }
        }

        private mutating func opening() -> ByteBuffer {
            var buffer = ByteBuffer()
            SSEFrame.retry(milliseconds: feed.options.retryMilliseconds, into: &buffer)
            if let resumeFrom = feed.resumeFrom, let missed = feed.store.events(after: resumeFrom) {
                cursor = resumeFrom
                SSEFrame.event(
                    "connected",
                    json: ConnectedMessage.json(counter: "seq", missed.last?.event.seq ?? resumeFrom, resumed: true),
                    into: &buffer)
                write(missed, into: &buffer)
            } else {
                cursor = feed.store.eventSeq
                SSEFrame.event(
                    "connected", json: ConnectedMessage.json(counter: "seq", cursor, resumed: false), into: &buffer)
            }
            return buffer
        }

        private mutating func write(_ batch: [LoggedEvent], into buffer: inout ByteBuffer) {
            let before = buffer.writerIndex
            var count = 0
            for logged in batch {
                cursor = logged.event.seq
                guard feed.filter.matches(logged.event) else { continue }
                SSEFrame.message(id: logged.event.seq, json: logged.json, into: &buffer)
                count += 1
            }
            lastMessageCount += count
            feed.stats.sent(messages: count, bytes: buffer.writerIndex - before)
        }
    }
}
