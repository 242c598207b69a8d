import Foundation
package import GestaltModel

/// Reloads the recorded topology into a fresh store at a restart, through
/// `HistoryQueries` only, so any history backend serves it: the newest
/// recorded state, and the updates leading to it (up to the store's
/// `retainedUpdates`) in the store's log, so a client that reconnects with
/// the revision it last saw resumes exactly, with no `full`.
package enum HistoryRestore {
    /// What `restore` put back.
    package struct Outcome: Sendable, Hashable {
        /// The newest recorded revision, where the store now stands.
        package var revision: UInt64
        package var entities: Int
        /// Updates put in the log, for resumes from before the restart.
        package var loggedUpdates: Int
    }

    /// Nil when history holds nothing yet (or the store is not fresh).
    package static func restore(
        _ store: TopologyStore, from history: any HistoryQueries, now: Timestamp = .now()
    ) async throws(HistoryError) -> Outcome? {
        let latest: Topology
        do {
            latest = try await history.topology(at: .time(now))
        } catch .notFound {
            return nil
        }
        let window = UInt64(store.configuration.retainedUpdates)
        // Revisions are contiguous within one process, so `window` revisions
        // back holds at most `window` updates (fewer across a restart's jump).
        // (Before the oldest retained checkpoint, start from that checkpoint.)
        var base = latest
        let wanted = latest.revision - min(window, latest.revision)
        if let start = try await history.oldestRebuildable(through: latest.revision), start < latest.revision,
            let older = try? await history.topology(at: .revision(max(wanted, start)))
        {
            base = older
        }
        var updates: [(update: TopologyUpdate, json: [UInt8])] = []
        var after = base.revision
        let decoder = JSONDecoder()
        while after < latest.revision {
            let page = try await history.changes(after: after, through: latest.revision, limit: 2_000)
            if let gap = page.gaps.last {
                // Updates were not recorded one by one there: replaying across
                // the gap would be wrong, so start again at its checkpoint.
                base = try await history.topology(at: .revision(gap.resumedAt))
                updates.removeAll()
                after = base.revision
                continue
            }
            for json in page.updates {
                guard let update = try? decoder.decode(TopologyUpdate.self, from: Data(json)) else {
                    throw .unavailable("a recorded update could not be decoded")
                }
                updates.append((update, json))
            }
            guard let next = page.next else { break }
            after = next
        }
        guard store.restore(base, then: updates) else { return nil }
        return Outcome(revision: store.revision, entities: store.entityCount, loggedUpdates: updates.count)
    }
}
