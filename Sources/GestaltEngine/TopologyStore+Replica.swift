public import GestaltModel

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
    public func replicate(_ update: TopologyUpdate, revision: UInt64) -> Bool {
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
    public func replace(with topology: Topology) -> Bool {
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

    /// Flips the stale flag of the entities named, in id order, under the
    /// store's next revisions: an edge's own marks when it cannot publish
    /// them (NATS is down), numbered between two stream messages (the edge
    /// leaves room there, `ClusterReplica.revision(ofSequence:)`). Returns
    /// how many changed.
    @discardableResult
    public func markStale(ids: [String], _ stale: Bool, now: Timestamp = .now()) -> Int {
        let updates = state.withLock { s in
            var updates: [LoggedUpdate] = []
            for id in ids.sorted() { s.setStale(id: id, stale, now: now, into: &updates) }
            return updates
        }
        if let last = updates.last { topologySignal.publish(last.revision) }
        return updates.count
    }

    /// Moves the event seq to `seq` without an event: a message of the events
    /// stream this edge does not show (another cluster's). The retained
    /// window stays whole, as if the event had come and gone unseen.
    public func skipEvent(seq: UInt64) {
        state.withLock { s in
            guard seq > s.eventSeq else { return }
            if seq != s.eventSeq + 1 { s.events.removeAll() }
            s.eventSeq = seq
        }
    }

    @discardableResult
    public func replicate(_ event: InfraEvent, seq: UInt64) -> Bool {
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
