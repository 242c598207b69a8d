package import GestaltEngine
package import GestaltModel

/// One reader's position in the store's shared update log, independent of
/// transport: SSE and WebSocket both frame what it returns.
///
/// It keeps only a cursor, so a slow reader holds no queue of its own: when it
/// falls more than `resyncThreshold` updates behind (or out of the retained
/// window) it gets a fresh `full` instead of the backlog. Within a batch,
/// superseded `update`s of one entity are coalesced.
package struct TopologyCursor: Sendable {
    /// One message for the client: the id to resume from and the JSON of a TopologyUpdate.
    package struct Message: Sendable {
        package let id: UInt64
        package let json: [UInt8]
    }

    /// What `start` found.
    package struct Opening: Sendable {
        package let revision: UInt64
        package let resumed: Bool
        package let messages: [Message]
    }

    package let store: TopologyStore
    package let view: TopologyView
    package let options: StreamOptions
    let stats: StreamStats
    package private(set) var revision: UInt64 = 0
    /// What the last `next()` did beyond returning messages, so a caller
    /// that shares its batch with other readers can count the same for them.
    package private(set) var lastCoalesced = 0
    package private(set) var lastWasResync = false
    /// When the store applied the oldest change the last `next()` returned
    /// (nil for a `full`): where the fan-out delay is measured from.
    package private(set) var lastOldest: Timestamp?

    package init(
        store: TopologyStore, filter: TopologyFilter, delta: DeltaForm = .entity, options: StreamOptions,
        stats: StreamStats
    ) {
        self.store = store
        self.view = TopologyView(filter: filter, delta: delta)
        self.options = options
        self.stats = stats
    }

    /// Positions the cursor: after `resumeFrom` when the store still holds
    /// what follows it (those updates are returned), or when history held
    /// the older part of it (`recorded`, then the log's), else at a `full`.
    package mutating func start(resumeFrom: UInt64?, recorded: RecordedBacklog? = nil) -> Opening {
        if let resumeFrom, case .updates(let missed) = store.updates(after: resumeFrom) {
            revision = missed.last?.revision ?? resumeFrom
            return Opening(revision: revision, resumed: true, messages: messages(for: missed))
        }
        // Recorded messages are not passed through this view, so only an
        // unfiltered, unrestricted view may take them (RecordedBacklog reads
        // for those alone; this makes sure no caller can bypass it).
        if let recorded, view.filter.isEverything, case .updates(let missed) = store.updates(after: recorded.through) {
            revision = missed.last?.revision ?? recorded.through
            return Opening(revision: revision, resumed: true, messages: recorded.messages + messages(for: missed))
        }
        let snapshot = full(countAsResync: false)
        return Opening(revision: revision, resumed: false, messages: [snapshot])
    }

    /// The next batch after the cursor; empty when the view saw nothing new.
    package mutating func next() -> [Message] {
        lastCoalesced = 0
        lastWasResync = false
        lastOldest = nil
        // Far behind, a `full` replaces the backlog, but only when it is the
        // smaller of the two: on a large topology a burst of changes would
        // otherwise turn a short lag into megabytes of snapshot, and the client
        // would fall further behind with every resync.
        if tooFarBehind, let full = fresherFull() { return [full] }
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

    /// More than `resyncThreshold` updates behind and the backlog larger
    /// than the topology: a `full` is the cheaper catch-up.
    private var tooFarBehind: Bool {
        // Counted in the log, not by subtracting revisions: they jump at a restart.
        guard let behind = store.backlog(after: revision) else { return true }
        return behind > options.resyncThreshold && behind > store.entityCount + store.connectionCount
    }

    /// A resync `full`, unless the store's is no newer than the cursor: the
    /// store may hand out a recent full shared by every resyncing client
    /// (`StoreConfiguration.fullReuse`), which this client may already have
    /// taken; sending it again would make no progress, so nil, and the log
    /// (which holds every update after that full) replays what followed.
    private mutating func fresherFull() -> Message? {
        let (revision, json) = store.snapshotJSON(filter: view.filter, asFullUpdate: true)
        guard revision > self.revision else { return nil }
        self.revision = revision
        stats.resynced()
        lastWasResync = true
        return Message(id: revision, json: json)
    }

    /// What an adapter speaking another protocol (Constellation's) does next,
    /// under the same rule as `next()`: the logged updates themselves, or
    /// `resync` when a snapshot must replace the backlog (the caller takes
    /// it and `follow`s to its revision).
    package enum Step: Sendable {
        case updates([LoggedUpdate])
        case resync
    }

    package mutating func nextStep() -> Step {
        if tooFarBehind { stats.resynced(); return .resync }
        switch store.updates(after: revision, limit: options.batchLimit) {
        case .gone:
            stats.resynced()
            return .resync
        case .updates(let batch):
            if let last = batch.last { revision = last.revision }
            return .updates(batch)
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
    package mutating func follow(to revision: UInt64) {
        self.revision = revision
    }

    private mutating func messages(for batch: [LoggedUpdate]) -> [Message] {
        // Coalescing needs the whole picture: a filtered view may turn an
        // earlier update into an `add`, so it keeps every update.
        let (superseded, absorbing): (Set<Int>, Set<Int>) = view.filter.isEverything ? Self.coalescing(batch) : ([], [])
        var out: [Message] = []
        out.reserveCapacity(batch.count - superseded.count)
        var viewMessages: [TopologyView.Message] = []
        for (index, logged) in batch.enumerated() where !superseded.contains(index) {
            viewMessages.removeAll(keepingCapacity: true)
            // A patch holds only its own change: one that stands for dropped
            // updates too goes out as the whole entity.
            view.messages(for: logged, whole: absorbing.contains(index), into: &viewMessages)
            for message in viewMessages { out.append(Message(id: logged.revision, json: message.json)) }
        }
        if !superseded.isEmpty { stats.coalesced(superseded.count); lastCoalesced = superseded.count }
        return out
    }

    /// Indexes of `update`s (`conn_update`s) followed, later in the batch, by
    /// another `update` of the same entity (`conn_update` of the same
    /// connection) with nothing else about it in between: the later one
    /// carries the whole entity or connection, so the earlier adds nothing.
    static func supersededUpdates(in batch: [LoggedUpdate]) -> Set<Int> { coalescing(batch).superseded }

    /// `superseded` as above, and `absorbing`: the entity `update`s that
    /// made at least one earlier update superseded.
    static func coalescing(_ batch: [LoggedUpdate]) -> (superseded: Set<Int>, absorbing: Set<Int>) {
        guard batch.count > 1 else { return ([], []) }
        // Entity id to the index of the latest update in its current run.
        var laterEntityUpdate: [String: Int] = [:]
        var laterConnectionUpdate: Set<String> = []
        var superseded: Set<Int> = []
        var absorbing: Set<Int> = []
        for index in batch.indices.reversed() {
            let logged = batch[index]
            if let id = logged.entity?.id {
                if logged.kind == .update, logged.neighbours.isEmpty {
                    if let later = laterEntityUpdate[id] {
                        superseded.insert(index)
                        absorbing.insert(later)
                    } else {
                        laterEntityUpdate[id] = index
                    }
                } else {
                    laterEntityUpdate[id] = nil
                }
            } else if let id = logged.connection?.id {
                if logged.kind == .connUpdate {
                    if !laterConnectionUpdate.insert(id).inserted { superseded.insert(index) }
                } else {
                    laterConnectionUpdate.remove(id)
                }
            }
        }
        return (superseded, absorbing)
    }
}
