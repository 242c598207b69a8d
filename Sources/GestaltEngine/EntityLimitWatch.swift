import GestaltModel

/// Tells, once per crossing, that the map holds more entities than
/// `visualization.max_entities`: a warning event when the count goes over,
/// an info event when it is back under. Nothing is ever dropped to stay
/// under the limit; the UI and `/api/infra/health` show the overrun.
package struct EntityLimitWatch: Sendable {
    package let store: TopologyStore
    package let limit: Int

    package init(store: TopologyStore, limit: Int) {
        self.store = store
        self.limit = limit
    }

    /// Follows the store until the task is cancelled.
    package func run() async {
        let subscription = store.topologySignal.subscribe()
        defer { subscription.cancel() }
        var over = false
        var seen: UInt64 = 0
        while !Task.isCancelled {
            over = check(wasOver: over)
            seen = store.revision
            guard await subscription.wait(after: seen) != .closed else { return }
        }
    }

    /// Records an event when the count crossed the limit; returns whether it is over now.
    @discardableResult
    package func check(wasOver: Bool) -> Bool {
        let count = store.entityCount
        let over = count > limit
        guard over != wasOver else { return over }
        let message =
            over
            ? "\(count) entities, over visualization.max_entities (\(limit)): every entity is kept and streamed, but the UI may slow down; raise the limit or filter the view"
            : "\(count) entities, within visualization.max_entities (\(limit)) again"
        store.record(
            InfraEvent(
                type: over ? "Warning" : "Normal", reason: over ? "EntityLimitExceeded" : "EntityLimitRestored",
                message: message,
                entityID: "gestalt:server", entityKind: .custom, entityName: "gestalt",
                severity: over ? .warning : .info
            ))
        return over
    }
}
