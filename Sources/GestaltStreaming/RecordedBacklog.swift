package import GestaltEngine
package import GestaltModel
import Synchronization

/// The updates a resuming client missed that are older than the store's
/// log (`--retained-updates`), read from history, so the client still gets
/// exactly what it missed and no `full`. They run from the client's id up to
/// a revision the log holds the rest after (`through`).
package struct RecordedBacklog: Sendable {
    package let messages: [TopologyCursor.Message]
    package let through: UInt64

    /// Nil when the log serves the resume itself, or history cannot serve
    /// it exactly: no history, a filtered stream (a filter needs each
    /// update's before-and-after, which history does not keep), an id
    /// history never recorded one by one, a gap in between, or a backlog
    /// longer than both `resyncThreshold` and the topology (a `full` is then
    /// the cheaper catch-up, the rule for a live client that falls behind).
    package static func read(
        from history: (any HistoryQueries)?, store: TopologyStore, resumeFrom: UInt64?, filter: TopologyFilter,
        options: StreamOptions
    ) async -> RecordedBacklog? {
        guard let history, let resumeFrom, mayServe(store: store, resumeFrom: resumeFrom, filter: filter) else {
            return nil
        }
        // History reads cost a query and a decode per update: a crowd of
        // clients resuming from old ids (a restart, a proxy reconnecting them
        // all) gets `full`s beyond a few reads at once instead of queueing.
        let admitted = reads.withLock { count in
            guard count < maxConcurrentReads else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        defer { reads.withLock { $0 -= 1 } }
        let limit = max(options.resyncThreshold, store.entityCount + store.connectionCount)
        do {
            // Only a revision recorded one by one is a place to resume from.
            let own = try await history.changes(after: resumeFrom - 1, through: resumeFrom, limit: 1)
            guard own.gaps.isEmpty, own.revisions.first == resumeFrom else {
                return nil
            }
            var messages: [TopologyCursor.Message] = []
            var after = resumeFrom
            while store.backlog(after: after) == nil {
                let page = try await history.changes(
                    after: after, through: store.revision, limit: min(2_000, limit + 1))
                guard page.gaps.isEmpty, !page.updates.isEmpty else { return nil }
                for (json, revision) in zip(page.updates, page.revisions) {
                    after = revision
                    messages.append(TopologyCursor.Message(id: after, json: json))
                    if store.backlog(after: after) != nil { break }
                }
                guard messages.count <= limit else { return nil }
            }
            return RecordedBacklog(messages: messages, through: after)
        } catch {
            return nil
        }
    }

    /// Whether history could serve this resume at all; callers skip the read
    /// (and the task it would need) when it could not.
    package static func mayServe(store: TopologyStore, resumeFrom: UInt64, filter: TopologyFilter) -> Bool {
        resumeFrom > 0 && filter.isEverything && resumeFrom < store.revision && store.backlog(after: resumeFrom) == nil
    }

    static let maxConcurrentReads = 4
    private static let reads = Mutex(0)
}
