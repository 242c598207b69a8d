import GestaltEngine
public import GestaltModel
public import NIOCore

/// One client's SSE stream of the topology: `retry`, `connected`, a `full` or
/// the missed updates, then batches of deltas (one write per batch) and
/// keepalives. The reading logic lives in `TopologyCursor`.
public struct TopologyFeed: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let cursor: TopologyCursor
    let resumeFrom: UInt64?
    let stats: StreamStats
    let subscription: ChangeSignal.Subscription

    /// - Parameter resumeFrom: the client's `Last-Event-ID`, when it sent one.
    public init(store: TopologyStore, filter: TopologyFilter, resumeFrom: UInt64?, options: StreamOptions, stats: StreamStats) {
        self.cursor = TopologyCursor(store: store, filter: filter, options: options, stats: stats)
        self.resumeFrom = resumeFrom
        self.stats = stats
        self.subscription = store.topologySignal.subscribe()
    }

    /// Ends the stream at once (the client went away).
    public func cancel() { subscription.cancel() }

    /// Writes the stream until the client goes away, a write fails, or shutdown.
    /// - Parameter connection: the registry entry to report progress and writes to.
    public func run(connection: StreamConnection? = nil, _ write: (ByteBuffer) async throws -> Void) async throws {
        stats.opened(.topology)
        defer { stats.closed(.topology) }
        var iterator = makeAsyncIterator()
        while let buffer = await iterator.next() {
            connection?.progressed(revision: iterator.cursor.revision)
            connection?.writeStarted(bytes: buffer.readableBytes)
            try await write(buffer)
            connection?.writeFinished(messages: iterator.lastMessageCount, bytes: buffer.readableBytes)
        }
    }

    /// The stream's opening: `retry`, `connected` and the missed updates in
    /// one buffer; or `retry` and `connected`, then a `full` frame shared with
    /// every client that opens at the same revision, as a second buffer.
    public static func opening(
        cursor: inout TopologyCursor, resumeFrom: UInt64?, stats: StreamStats
    ) -> [(buffer: ByteBuffer, messages: Int)] {
        let opening = cursor.start(resumeFrom: resumeFrom)
        var buffer = ByteBuffer()
        SSEFrame.retry(milliseconds: cursor.options.retryMilliseconds, into: &buffer)
        SSEFrame.event("connected", json: ConnectedMessage.json(counter: "revision", opening.revision, resumed: opening.resumed), into: &buffer)
        if !opening.resumed, let full = opening.messages.first, cursor.view.filter.isEverything {
            stats.sent(messages: 1, bytes: full.json.count)
            return [(buffer, 0), (SharedFrame.shared.sseMessage(id: full.id, json: full.json), 1)]
        }
        let before = buffer.writerIndex
        for message in opening.messages { SSEFrame.message(id: message.id, json: message.json, into: &buffer) }
        stats.sent(messages: opening.messages.count, bytes: buffer.writerIndex - before)
        return [(buffer, opening.messages.count)]
    }

    public func makeAsyncIterator() -> Iterator { Iterator(feed: self, cursor: cursor) }

    public struct Iterator: AsyncIteratorProtocol {
        let feed: TopologyFeed
        var cursor: TopologyCursor
        var started = false
        var lastWrite: ContinuousClock.Instant = .now
        /// A shared `full` frame that goes out as its own write after the header.
        var pendingFrame: ByteBuffer?
        /// Messages in the buffer `next()` returned last (keepalives count none).
        var lastMessageCount = 0

        public mutating func next() async -> ByteBuffer? {
            lastMessageCount = 0
            if let frame = pendingFrame {
                pendingFrame = nil
                lastMessageCount = 1
                return frame
            }
            if !started {
                started = true
                var frames = TopologyFeed.opening(cursor: &cursor, resumeFrom: feed.resumeFrom, stats: feed.stats)
                if frames.count > 1 { pendingFrame = frames.removeLast().buffer }
                lastMessageCount = frames[0].messages
                return frames[0].buffer
            }
            var buffer = ByteBuffer()
            while true {
                switch await feed.subscription.wait(after: cursor.revision) {
                case .closed:
                    return nil
                case .tick:
                    if ContinuousClock.now - lastWrite >= cursor.options.keepalive {
                        lastWrite = .now
                        SSEFrame.keepalive(into: &buffer)
                        return buffer
                    }
                case .changed:
                    write(cursor.next(), into: &buffer)
                    if buffer.readableBytes > 0 { lastWrite = .now; return buffer }
                }
            }
        }

        private mutating func write(_ messages: [TopologyCursor.Message], into buffer: inout ByteBuffer) {
            lastMessageCount += messages.count
            let before = buffer.writerIndex
            for message in messages { SSEFrame.message(id: message.id, json: message.json, into: &buffer) }
            feed.stats.sent(messages: messages.count, bytes: buffer.writerIndex - before)
        }
    }
}

/// The data of `event: connected`: `{"revision": N, "resumed": bool}` (or `seq`).
enum ConnectedMessage {
    static func json(counter: StaticString, _ value: UInt64, resumed: Bool) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key(counter); w.number(value)
        w.key("resumed"); w.bool(resumed)
        w.endObject()
        return w.bytes
    }
}
