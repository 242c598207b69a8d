import GestaltEngine
import GestaltHistory
import GestaltModel
import Logging

/// Puts the recorded topology back into the store before any source runs
/// (docs/HISTORY.md, "Restarts and the crash rule").
enum RestoreWiring {
    /// The source that owns what the graph API creates: no source reconciles it.
    static let graphAPISource = "api"

    static func restore(
        store: TopologyStore, history: HistoryStore?, sources: [any TopologySource], logger: Logger
    ) async {
        guard let history else { return }
        let outcome: HistoryRestore.Outcome?
        do {
            outcome = try await HistoryRestore.restore(store, from: history)
        } catch {
            // The map fills again from the sources; history records a gap.
            logger.error("the recorded topology could not be reloaded; starting empty", metadata: ["error": "\(error)"])
            return
        }
        guard let outcome else { return }
        // A source that is no longer configured will never reconcile its
        // entities: they go now. Configured sources remove what they no longer
        // produce when their first full list arrives.
        let running = Set(sources.map(\.instance.description)).union([graphAPISource])
        let orphans = store.snapshot().entities.filter { !running.contains($0.source) }.map(\.id)
        if !orphans.isEmpty { store.apply(orphans.sorted().map { .removeEntity(id: $0) }) }
        logger.info(
            "reloaded the recorded topology",
            metadata: [
                "revision": "\(outcome.revision)", "entities": "\(outcome.entities)",
                "resumable_updates": "\(outcome.loggedUpdates)", "removed_unconfigured": "\(orphans.count)",
            ])
    }
}
