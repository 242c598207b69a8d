public import GestaltEngine
public import GestaltModel
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
public final class ChurnPipeline: ChangeSink {
    public let store: TopologyStore
    public let configuration: ChurnConfiguration
    private let smoother: Mutex<ChurnSmoother>
    private let notices: @Sendable (ChurnNotice) -> Void
    private let clock = ContinuousClock()

    public init(
        store: TopologyStore, configuration: ChurnConfiguration = .default,
        notices: @escaping @Sendable (ChurnNotice) -> Void = { _ in }
    ) {
        self.store = store
        self.configuration = configuration
        self.smoother = Mutex(ChurnSmoother(configuration: configuration))
        self.notices = notices
    }

    /// Takes changes from a source. What is due at once (everything, with
    /// the debounce off and no pod waiting) reaches the store before this returns.
    public func apply(_ changes: [TopologyChange]) {
        apply(changes, at: clock.now)
    }

    /// Events are not smoothed: they go straight to the store.
    public func record(_ event: InfraEvent) {
        store.record(event) as Void
    }

    /// Ticks every `tickInterval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.tickInterval, clock: clock) } catch { return }
            tick(at: clock.now)
        }
    }

    /// `apply` at a given instant, for tests that drive the clock.
    public func apply(_ changes: [TopologyChange], at now: ContinuousClock.Instant) {
        release { smoother in
            smoother.submit(changes, now: now)
            return smoother.due(now: now)
        }
    }

    /// Applies what is due at `now` and publishes its notices (what `run` does each tick).
    public func tick(at now: ContinuousClock.Instant) {
        release { smoother in smoother.due(now: now) }
    }

    /// The warning and the latest summary of every namespace churning now,
    /// for a client that subscribes mid-churn.
    public func activeNotices() -> [ChurnNotice] {
        smoother.withLock { $0.activeNotices() }
    }

    private func release(_ step: (inout ChurnSmoother) -> ChurnOutput) {
        // The store is applied to under the smoother's lock: two callers
        // must not apply their outputs in the opposite order of taking them.
        let output = smoother.withLock { smoother in
            let output = step(&smoother)
            if !output.changes.isEmpty { _ = store.apply(output.changes, now: .now()) }
            return output
        }
        // Notices go out of the lock: the sink may be slow or call back in.
        for notice in output.notices {
            if let event = Self.event(for: notice) { store.record(event) as Void }
            notices(notice)
        }
    }

    /// The event recorded for a notice: only the start and the end of churn.
    static func event(for notice: ChurnNotice) -> InfraEvent? {
        switch notice {
        case .highChurnWarning(let warning):
            let services = warning.affectedServices.isEmpty ? "" : " (services: \(warning.affectedServices.joined(separator: ", ")))"
            return InfraEvent(
                type: "Warning", reason: "HighChurn",
                message: "pods in namespace \(warning.namespace) churn at \(Int(warning.podsPerMinute.rounded())) per minute\(services)",
                entityID: warning.namespaceID, entityKind: .namespace, entityName: warning.namespace, severity: .warning
            )
        case .churnCalmed(let summary):
            return InfraEvent(
                type: "Normal", reason: "ChurnCalmed",
                message: "pod churn in namespace \(summary.namespace) calmed to \(Int(summary.podsPerMinute.rounded())) per minute",
                entityID: summary.namespaceID, entityKind: .namespace, entityName: summary.namespace, severity: .info
            )
        case .namespaceSummary:
            return nil
        }
    }
}
