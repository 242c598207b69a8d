import GestaltEngine
public import GestaltModel
public import NIOCore

/// One client's SSE stream of the topology: `retry`, `connected`, a `full` or
/// the missed updates, then batches of deltas and keepalives.
///
/// It keeps only a cursor into the store's shared log, so a slow client holds
/// no queue of its own: when it falls more than `resyncThreshold` updates
/// behind (or out of the retained window) it gets a fresh `full` instead.
/// Within a batch, superseded `update`s of one entity are coalesced.
public struct TopologyFeed: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let store: TopologyStore
    let view: TopologyView
    let resumeFrom: UInt64?
    let options: StreamOptions
    let stats: StreamStats
    let subscription: ChangeSignal.Subscription

    /// - Parameter resumeFrom: the client's `Last-Event-ID`, when it sent one.
    public init(store: TopologyStore, filter: TopologyFilter, resumeFrom: UInt64?, options: StreamOptions, stats: StreamStats) {
        self.store = store
        self.view = TopologyView(filter: filter)
        self.resumeFrom = resumeFrom
        self.options = options
        self.stats = stats
        self.subscription = store.topologySignal.subscribe()
    }

    /// Ends the stream at once (the client went away).
    public func cancel() { subscription.cancel() }

    /// Writes the stream until the client goes away, a write fails, or shutdown.
    public func run(_ write: (ByteBuffer) async throws -> Void) async throws {
        stats.opened(.topology)
        defer { stats.closed(.topology) }
        for await buffer in self { try await write(buffer) }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(feed: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let feed: TopologyFeed
        var cursor: UInt64 = 0
        var started = false
        var lastWrite: ContinuousClock.Instant = .now
        var closed = false

        public mutating func next() async -> ByteBuffer? {
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
                    if let buffer = deltas() { lastWrite = .now; return buffer }
                }
            }
        }

        private mutating func opening() -> ByteBuffer {
            var buffer = ByteBuffer()
            SSEFrame.retry(milliseconds: feed.options.retryMilliseconds, into: &buffer)
            if let resumeFrom = feed.resumeFrom, case .updates(let missed) = feed.store.updates(after: resumeFrom) {
                cursor = missed.last?.revision ?? resumeFrom
                SSEFrame.event("connected", json: Self.connectedJSON(revision: cursor, resumed: true), into: &buffer)
                write(missed, into: &buffer)
            } else {
                let (revision, json) = feed.store.snapshotJSON(filter: feed.view.filter, asFullUpdate: true)
                cursor = revision
                SSEFrame.event("connected", json: Self.connectedJSON(revision: revision, resumed: false), into: &buffer)
                SSEFrame.message(id: revision, json: json, into: &buffer)
                feed.stats.sent(messages: 1, bytes: json.count)
            }
            return buffer
        }

        /// The next batch after the cursor, or nil when the view saw nothing.
        private mutating func deltas() -> ByteBuffer? {
            let behind = feed.store.revision &- cursor
            var buffer = ByteBuffer()
            if behind > UInt64(feed.options.resyncThreshold) {
                resync(into: &buffer)
                return buffer
            }
            switch feed.store.updates(after: cursor, limit: feed.options.batchLimit) {
            case .gone:
                resync(into: &buffer)
            case .updates(let batch):
                guard let last = batch.last else { return nil }
                cursor = last.revision
                write(batch, into: &buffer)
            }
            return buffer.readableBytes > 0 ? buffer : nil
        }

        private mutating func resync(into buffer: inout ByteBuffer) {
            let (revision, json) = feed.store.snapshotJSON(filter: feed.view.filter, asFullUpdate: true)
            cursor = revision
            SSEFrame.message(id: revision, json: json, into: &buffer)
            feed.stats.resynced()
            feed.stats.sent(messages: 1, bytes: json.count)
        }

        private func write(_ batch: [LoggedUpdate], into buffer: inout ByteBuffer) {
            // Coalescing needs the whole picture: a filtered view may turn an
            // earlier update into an `add`, so it keeps every update.
            let superseded = feed.view.filter.isEverything ? Self.supersededUpdates(in: batch) : []
            var messages: [TopologyView.Message] = []
            var count = 0
            let before = buffer.writerIndex
            for (index, logged) in batch.enumerated() where !superseded.contains(index) {
                messages.removeAll(keepingCapacity: true)
                feed.view.messages(for: logged, into: &messages)
                for message in messages {
                    SSEFrame.message(id: logged.revision, json: message.json, into: &buffer)
                    count += 1
                }
            }
            feed.stats.sent(messages: count, bytes: buffer.writerIndex - before, coalesced: superseded.count)
        }

        /// Indexes of `update`s followed, later in the batch, by another
        /// `update` of the same entity with nothing else about it in between:
        /// the later one carries the whole entity, so the earlier adds nothing.
        static func supersededUpdates(in batch: [LoggedUpdate]) -> Set<Int> {
            guard batch.count > 1 else { return [] }
            var laterUpdate: Set<String> = []
            var superseded: Set<Int> = []
            for index in batch.indices.reversed() {
                let logged = batch[index]
                guard let id = logged.entity?.id else { continue }
                if logged.kind == .update, logged.neighbours.isEmpty {
                    if laterUpdate.contains(id) { superseded.insert(index) } else { laterUpdate.insert(id) }
                } else {
                    laterUpdate.remove(id)
                }
            }
            return superseded
        }

        static func connectedJSON(revision: UInt64, resumed: Bool) -> [UInt8] {
            var w = JSONWriter()
            w.beginObject()
            w.key("revision"); w.number(revision)
            w.key("resumed"); w.bool(resumed)
            w.endObject()
            return w.bytes
        }
    }
}
