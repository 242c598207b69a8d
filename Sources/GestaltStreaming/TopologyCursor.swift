import GestaltEngine
public import GestaltModel

/// One reader's position in the store's shared update log, independent of
/// transport: SSE and WebSocket both frame what it returns.
///
/// It keeps only a cursor, so a slow reader holds no queue of its own: when it
/// falls more than `resyncThreshold` updates behind (or out of the retained
/// window) it gets a fresh `full` instead of the backlog. Within a batch,
/// superseded `update`s of one entity are coalesced.
public struct TopologyCursor: Sendable {
    /// One message for the client: the id to resume from and the JSON of a TopologyUpdate.
    public struct Message: Sendable {
        public let id: UInt64
        public let json: [UInt8]
    }

    /// What `start` found.
    public struct Opening: Sendable {
        public let revision: UInt64
        public let resumed: Bool
        public let messages: [Message]
    }

    public let store: TopologyStore
    public let view: TopologyView
    public let options: StreamOptions
    let stats: StreamStats
    public private(set) var revision: UInt64 = 0
    /// What the last `next()` did beyond returning messages, so a caller
    /// that shares its batch with other readers can count the same for them.
    public private(set) var lastCoalesced = 0
    public private(set) var lastWasResync = false
    /// When the store applied the oldest change the last `next()` returned
    /// (nil for a `full`): where the fan-out delay is measured from.
    public private(set) var lastOldest: Timestamp?

    public init(store: TopologyStore, filter: TopologyFilter, options: StreamOptions, stats: StreamStats) {
        self.store = store
        self.view = TopologyView(filter: filter)
        self.options = options
        self.stats = stats
    }

    /// Positions the cursor: after `resumeFrom` when the store still holds
    /// what follows it (those updates are returned), else at a `full`.
    public mutating func start(resumeFrom: UInt64?) -> Opening {
        if let resumeFrom, case .updates(let missed) = store.updates(after: resumeFrom) {
            revision = missed.last?.revision ?? resumeFrom
            return Opening(revision: revision, resumed: true, messages: messages(for: missed))
        }
        let snapshot = full(countAsResync: false)
        return Opening(revision: revision, resumed: false, messages: [snapshot])
    }

    /// The next batch after the cursor; empty when the view saw nothing new.
    public mutating func next() -> [Message] {
        lastCoalesced = 0
        lastWasResync = false
        lastOldest = nil
        // Far behind, a `full` replaces the backlog, but only when it is the
        // smaller of the two: on a large topology a burst of changes would
        // otherwise turn a short lag into megabytes of snapshot, and the client
        // would fall further behind with every resync.
        let behind = store.revision &- revision
        if behind > UInt64(options.resyncThreshold), behind > UInt64(store.entityCount + store.connectionCount) {
            return [full(countAsResync: true)]
        }
        switch store.updates(after: revision, limit: options.batchLimit) {
        case .gone:
            return [full(countAsResync: true)]
        case .updates(let batch):
            guard let last = batch.last else { return [] }
            revision = last.revision
            lastOldest = batch.first?.timestamp
            return messages(for: batch)
        }
    }

    private mutating func full(countAsResync: Bool) -> Message {
        let (revision, json) = store.snapshotJSON(filter: view.filter, asFullUpdate: true)
        self.revision = revision
        if countAsResync { stats.resynced(); lastWasResync = true }
        return Message(id: revision, json: json)
    }

    /// Moves the cursor to where another reader at the same revision, with
    /// the same (unfiltered) view, went by reading the same batch.
    public mutating func follow(to revision: UInt64) {
        self.revision = revision
    }

    private mutating func messages(for batch: [LoggedUpdate]) -> [Message] {
        // Coalescing needs the whole picture: a filtered view may turn an
        // earlier update into an `add`, so it keeps every update.
        let superseded = view.filter.isEverything ? Self.supersededUpdates(in: batch) : []
        var out: [Message] = []
        out.reserveCapacity(batch.count - superseded.count)
        var viewMessages: [TopologyView.Message] = []
        for (index, logged) in batch.enumerated() where !superseded.contains(index) {
            viewMessages.removeAll(keepingCapacity: true)
            view.messages(for: logged, into: &viewMessages)
            for message in viewMessages { out.append(Message(id: logged.revision, json: message.json)) }
        }
        if !superseded.isEmpty { stats.coalesced(superseded.count); lastCoalesced = superseded.count }
        return out
    }

    /// Indexes of `update`s followed, later in the batch, by another `update`
    /// of the same entity with nothing else about it in between: the later one
    /// carries the whole entity, so the earlier adds nothing.
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
}
