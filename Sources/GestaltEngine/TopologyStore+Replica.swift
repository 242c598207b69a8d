package import GestaltModel
import Synchronization

/// An edge server's store follows a collector's: it holds what the collector
/// published, as published, under revisions that are the JetStream sequences
/// of the messages that carried it (docs/SCALE-OUT.md). No health scoring, no
/// thresholds, no layout: the collector did all of that once for every edge.
extension TopologyStore {
    /// Applies one update a collector published, under `revision` (its stream
    /// sequence), and logs it for resumes. `revision` must be above the
    /// store's; an update at or below it is already here and is skipped
    /// (returns false), so a redelivery never reaches a client twice.
    @discardableResult
    package func replicate(_ update: TopologyUpdate, revision: UInt64) -> Bool {
        var update = update
        update.revision = revision
        let json = update.jsonBytes()
        let applied = state.withLock { s -> Bool in
            guard revision > s.revision, update.kind != .full else { return false }
            s.replay(update, json: json)
            return true
        }
        if applied { topologySignal.publish(revision) }
        return applied
    }

    /// Records an event a collector published, with `seq` (its stream
    /// sequence) as its seq and id. Events are numbered contiguously by their
    /// own stream, so a seq at or below the store's is a redelivery and is skipped.
    /// Replaces the whole map with `topology`, at its revision, which must be
    /// above the store's (returns false, changing nothing, otherwise). The
    /// log starts over there: a client behind it gets a `full` (the cursor
    /// finds its revision gone), one resuming from before it too. Events stay.
    /// For an edge that fell behind its stream's retention and starts again
    /// from the latest checkpoints.
    @discardableResult
    package func replace(with topology: Topology) -> Bool {
        let replaced = state.withLock { s -> Bool in
            guard topology.revision > s.revision else { return false }
            var fresh = StoreState(configuration: configuration)
            fresh.eventSeq = s.eventSeq
            fresh.events = s.events
            fresh.restore(topology)
            fresh.restoredRevision = topology.revision
            s = fresh
            return true
        }
        if replaced { topologySignal.publish(topology.revision) }
        return replaced
    }

    /// Flips the stale flag of this store's own copies of the entities named,
    /// in id order, under the store's next revisions, all below `limit`: an
    /// edge's own stale marks (each edge judges the beats it hears), numbered
    /// between two stream messages (the edge leaves room there,
    /// `ClusterReplica.revision(ofSequence:)`). Returns how many changed, or
    /// nil, changing nothing, when they would not fit below `limit` (a later
    /// stream message would then land at or below them and be dropped).
    /// Each copy keeps its `updated_at`: edges flip at moments of their own,
    /// and two edges' copies that differed only in it would never show one map again.
    @discardableResult
    package func markStale(ids: [String], _ stale: Bool, below limit: UInt64) -> Int? {
        let updates = state.withLock { s -> [LoggedUpdate]? in
            let changing = UInt64(ids.count { s.entities[$0].map { $0.entity.stale != stale } ?? false })
            guard s.revision < limit, changing <= limit - s.revision - 1 else { return nil }
            var updates: [LoggedUpdate] = []
            for id in ids.sorted() { s.setStale(id: id, stale, now: nil, into: &updates) }
            return updates
        }
        if let last = updates?.last { topologySignal.publish(last.revision) }
        return updates?.count
    }

    /// A collector's roster read from the stream at `revision` (the first of
    /// its sequence's room): removes this store's copies of the entities
    /// named, each after its connections (as any removal), in id order,
    /// under `revision`, `revision + 1`, ..., all below `limit`. Every edge
    /// holds the same copies at that sequence, so every edge numbers the
    /// removals alike. Returns how many updates were logged, or nil, changing
    /// nothing, when `revision` is not above the store's (a redelivery) or
    /// they would not fit below `limit`.
    @discardableResult
    package func replicateRemovals(ids: [String], revision: UInt64, below limit: UInt64, now: Timestamp) -> Int? {
        let updates = state.withLock { s -> [LoggedUpdate]? in
            guard revision > s.revision, revision < limit else { return nil }
            let present = ids.filter { s.entities[$0] != nil }
            let connections = Set(present.flatMap { s.adjacency[$0] ?? [] })
            guard UInt64(present.count + connections.count) <= limit - revision else { return nil }
            let before = s.revision
            s.revision = revision - 1
            var updates: [LoggedUpdate] = []
            for id in present.sorted() { try? s.apply(.removeEntity(id: id), now: now, into: &updates) }
            if updates.isEmpty { s.revision = before }
            return updates
        }
        if let last = updates?.last { topologySignal.publish(last.revision) }
        return updates?.count
    }

    /// Moves the event seq to `seq` without an event: a message of the events
    /// stream this edge does not show (another cluster's). The retained
    /// window stays whole, as if the event had come and gone unseen.
    package func skipEvent(seq: UInt64) {
        state.withLock { s in
            guard seq > s.eventSeq else { return }
            if seq != s.eventSeq + 1 { s.events.removeAll() }
            s.eventSeq = seq
        }
    }

    @discardableResult
    package func replicate(_ event: InfraEvent, seq: UInt64) -> Bool {
        let recorded = state.withLock { s -> InfraEvent? in
            guard seq > s.eventSeq else { return nil }
            // The edge starts reading events at some point of their stream:
            // the retained window starts there, and nothing before it resumes.
            if seq != s.eventSeq + 1 { s.events.removeAll() }
            s.eventSeq = seq - 1
            return s.record(event)
        }
        guard let recorded else { return false }
        eventSignal.publish(recorded.seq)
        return true
    }
}
