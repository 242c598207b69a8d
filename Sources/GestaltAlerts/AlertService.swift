package import GestaltConfig
package import GestaltEngine
package import GestaltModel
import Synchronization

/// Evaluates the rules every `evaluateEvery` over the store, the source
/// board and the new events; tells the streams and the delivery queues about
/// each alert that fires or resolves. Nothing here waits on a receiver: the
/// broadcast and the queues take a message and return.
package final class AlertService: AlertsView {
    private struct State: Sendable {
        var rules: AlertRuleSet
        var evaluator: AlertEvaluator
        var eventSeq: UInt64?
    }

    package let settings: AlertSettings
    private let store: TopologyStore
    private let statusBoard: SourceStatusBoard
    private let announce: @Sendable (AlertTransition) -> Void
    private let state: Mutex<State>

    /// - Parameter announce: called with each transition, in order, from the evaluating task.
    package init(
        settings: AlertSettings, thresholds: HealthThresholds, store: TopologyStore, statusBoard: SourceStatusBoard,
        announce: @escaping @Sendable (AlertTransition) -> Void
    ) {
        self.settings = settings
        self.store = store
        self.statusBoard = statusBoard
        self.announce = announce
        self.state = Mutex(
            State(
                rules: AlertRuleSet(settings: settings, thresholds: thresholds),
                evaluator: AlertEvaluator(keepResolved: settings.keepResolved)
            ))
    }

    package func run() async throws {
        while !Task.isCancelled {
            evaluate()
            try await Task.sleep(for: settings.evaluateEvery)
        }
    }

    /// One evaluation at `now`; returns what changed.
    @discardableResult
    package func evaluate(now: Timestamp = .now()) -> [AlertTransition] {
        let entities = store.snapshot().entities
        let sources = statusBoard.all
        let transitions = state.withLock { s -> [AlertTransition] in
            // The first evaluation starts the event window from now, not from the retained backlog.
            let events = s.eventSeq.flatMap { store.events(after: $0) }?.map(\.event) ?? []
            s.eventSeq = store.eventSeq
            let signals = s.rules.signals(AlertInput(entities: entities, sources: sources, newEvents: events), now: now)
            return s.evaluator.evaluate(signals, now: now)
        }
        for transition in transitions { announce(transition) }
        return transitions
    }

    package var firing: [Alert] { state.withLock { $0.evaluator.firing } }
    package var resolved: [Alert] { state.withLock { $0.evaluator.resolved } }

    package func alertsJSON() -> [UInt8] {
        let (firing, pending, resolved) = state.withLock {
            ($0.evaluator.firing, $0.evaluator.pending, $0.evaluator.resolved)
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("enabled"); w.bool(true)
        w.key("active"); w.array(firing)
        w.key("pending"); w.array(pending)
        w.key("resolved"); w.array(resolved)
        w.endObject()
        return w.bytes
    }
}

extension JSONWriter {
    mutating func array(_ alerts: [Alert]) {
        beginArray()
        for alert in alerts { alert.write(to: &self) }
        endArray()
    }
}
