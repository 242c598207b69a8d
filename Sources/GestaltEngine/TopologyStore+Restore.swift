package import GestaltModel
import Synchronization

extension TopologyStore {
    /// Puts a recorded topology, then the recorded updates that followed it
    /// (oldest first, with their recorded JSON), into a store no change has
    /// reached yet: the store's revision becomes the last one's, and the log
    /// holds those updates for `Last-Event-ID` / `resume_from` resumes. The
    /// next change gets a revision above `StoreConfiguration.startingCounter`.
    /// Returns false, changing nothing, when the store is not fresh.
    @discardableResult
    package func restore(_ topology: Topology, then updates: [(update: TopologyUpdate, json: [UInt8])]) -> Bool {
        let restored = state.withLock { s -> Bool in
            guard s.entities.isEmpty, s.connections.isEmpty, s.log.isEmpty, s.revision == configuration.startingCounter
            else { return false }
            s.restore(topology)
            for (update, json) in updates { s.replay(update, json: json) }
            s.restoredRevision = s.revision
            return true
        }
        if restored { topologySignal.publish(revision) }
        return restored
    }

    /// The revision `restore` ended at; nil for a store that started empty.
    package var restoredRevision: UInt64? { state.withLock { $0.restoredRevision } }

    /// How many logged updates follow `revision`; nil when the log no longer
    /// holds (or never held) what follows it.
    package func backlog(after revision: UInt64) -> Int? { state.withLock { $0.backlog(after: revision) } }
}
