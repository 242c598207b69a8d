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
