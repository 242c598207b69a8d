package import GestaltEngine
package import GestaltModel
import Synchronization

/// The churn smoother run against the real clock, in front of the store.
///
/// Sources push into it as they would into the store; `run()` ticks, applies
/// what is due to the store and hands churn notices to the sink given at
/// init. The start and the end of a namespace's churn are also recorded as
/// events (`HighChurn`, warning; `ChurnCalmed`, info), so event-stream
/// clients see them; periodic summaries are not, as they would flood the log.
///
/// ```swift
/// let pipeline = ChurnPipeline(store: store) { notice in broadcast(notice) }
/// group.addTask { await pipeline.run() }
/// simulator.run(sink: pipeline)
/// ```
package final class ChurnPipeline: ChangeSink {
    package let store: TopologyStore
    package let configuration: ChurnConfiguration
    private let smoother: Mutex<ChurnSmoother>
    private let notices: @Sendable (ChurnNotice) -> Void
    private let clock = ContinuousClock()

    package init(
        store: TopologyStore, configuration: ChurnConfiguration = .default,
        notices: @escaping @Sendable (ChurnNotice) -> Void = { _ in }
    ) {
        self.store = store
        self.configuration = configuration
        self.smoother = Mutex(ChurnSmoother(configuration: configuration))
        self.notices = notices
    }

    /// Takes changes from a source. What is due at once (everything, with
    /// the debounce off and no pod waiting) reaches the store before this
    /// returns, stamped `now`; the result describes that part.
    @discardableResult
    package func apply(_ changes: [TopologyChange], now: Timestamp = .now()) -> ApplyResult {
        apply(changes, at: clock.now, now: now)
    }

    /// Events are not smoothed: they go straight to the store.
    @discardableResult
    package func record(_ event: InfraEvent) -> InfraEvent {
        store.record(event)
    }

    /// Ticks every `tickInterval` until the task is cancelled.
    package func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.tickInterval, clock: clock) } catch { return }
            tick(at: clock.now)
        }
    }

    /// `apply` at a given instant of the smoother's clock, for tests that drive it.
    @discardableResult
    package func apply(
        _ changes: [TopologyChange], at instant: ContinuousClock.Instant, now: Timestamp = .now()
    ) -> ApplyResult {
        release(now: now) { smoother in
            smoother.submit(changes, now: instant)
            return smoother.due(now: instant)
        }
    }

    /// Applies what is due at `now` and publishes its notices (what `run` does each tick).
    @discardableResult
    package func tick(at instant: ContinuousClock.Instant, now: Timestamp = .now()) -> ApplyResult {
        release(now: now) { smoother in smoother.due(now: instant) }
    }

    /// The warning and the latest summary of every namespace churning now,
    /// for a client that subscribes mid-churn.
    package func activeNotices() -> [ChurnNotice] {
        smoother.withLock { $0.activeNotices() }
    }

    private func release(now: Timestamp, _ step: (inout ChurnSmoother) -> ChurnOutput) -> ApplyResult {
        // The store is applied to under the smoother's lock: two callers
        // must not apply their outputs in the opposite order of taking them.
        let (output, result) = smoother.withLock { smoother in
            let output = step(&smoother)
            let result = store.apply(output.changes, now: now)
            return (output, result)
        }
        // Notices go out of the lock: the sink may be slow or call back in.
        for notice in output.notices {
            if let event = Self.event(for: notice) { store.record(event) }
            notices(notice)
        }
        return result
    }

    /// The event recorded for a notice: only the start and the end of churn.
    static func event(for notice: ChurnNotice) -> InfraEvent? {
        switch notice {
        case .highChurnWarning(let warning):
            let services =
                warning.affectedServices.isEmpty
                ? "" : " (services: \(warning.affectedServices.joined(separator: ", ")))"
            return InfraEvent(
                type: "Warning", reason: "HighChurn",
                message:
                    "pods in namespace \(warning.namespace) churn at \(Int(warning.podsPerMinute.rounded())) per minute\(services)",
                entityID: warning.namespaceID, entityKind: .namespace, entityName: warning.namespace, severity: .warning
            )
        case .churnCalmed(let summary):
            return InfraEvent(
                type: "Normal", reason: "ChurnCalmed",
                message:
                    "pod churn in namespace \(summary.namespace) calmed to \(Int(summary.podsPerMinute.rounded())) per minute",
                entityID: summary.namespaceID, entityKind: .namespace, entityName: summary.namespace, severity: .info
            )
        case .namespaceSummary:
            return nil
        }
    }
}
