import GestaltModel
import Synchronization

/// Runs one source for the life of the server. A source that throws is
/// shown as `error` and run again after a capped, jittered backoff; it
/// never takes the server or the other sources down. While its status says
/// it is down (`error`, `stopped`) its entities stay on the map marked
/// stale; when it is `ready` or `degraded` again they are current.
///
/// ```swift
/// let supervisor = SourceSupervisor(source: docker, sink: churn, store: store, statusBoard: board)
/// await supervisor.run()   // until cancelled
/// ```
package struct SourceSupervisor: Sendable {
    package let source: any TopologySource
    package let context: SourceContext
    private let store: TopologyStore
    private let backoff: Backoff
    /// Called once each time the source comes back after being down: its
    /// entities were just resynced in bulk (`serve` fires `graph.invalidated`).
    private let onResync: (@Sendable () -> Void)?

    package init(
        source: any TopologySource, sink: any ChangeSink, store: TopologyStore, statusBoard: SourceStatusBoard,
        backoff: Backoff = Backoff(initial: .seconds(1), maximum: .seconds(30), resetAfter: .seconds(60)),
        onResync: (@Sendable () -> Void)? = nil
    ) {
        self.source = source
        self.context = SourceContext(instance: source.instance, sink: sink, store: store, statusBoard: statusBoard)
        self.store = store
        self.backoff = backoff
        self.onResync = onResync
    }

    /// Runs the source until the task is cancelled.
    package func run() async {
        let name = source.instance.description
        let board = context.statusBoard
        let store = store
        // Follow the status, not only thrown errors: a source that retries
        // by itself (the Kubernetes reflectors) reports its outage that way.
        // Only a change between down and up walks the store: sources report
        // `ready` on every poll, and each walk takes the store's lock.
        let wasDown = Mutex<Bool?>(nil)
        // The first good status of each run closes its sync as a plugin run,
        // so sources that record no cycles of their own (watchers) still
        // show a timing; pollers add one per cycle with `recordRun`.
        let syncStarted = Mutex<ContinuousClock.Instant?>(nil)
        let context = context, onResync = onResync
        store.plugins.register(source.pluginMetadata)
        let observation = board.signal.observe { _ in
            guard let status = board.status(of: name) else { return }
            let down: Bool
            switch status.state {
            case .error, .stopped: down = true
            case .ready, .degraded: down = false
            case .syncing: return
            }
            if !down,
                let started = syncStarted.withLock({ s in
                    defer { s = nil }; return s
                })
            {
                let warnings = status.state == .degraded ? [status.message].filter { !$0.isEmpty } : []
                context.recordRun(startedAt: started, warnings: warnings)
            }
            let previous = wasDown.withLock { previous in
                defer { previous = down }; return previous
            }
            guard previous != down else { return }
            store.markStale(source: name, down)
            // The first ready is the initial sync, not a resync.
            if previous == true { onResync?() }
        }
        defer { observation.cancel() }
        if board.status(of: name) == nil { context.setStatus(.syncing, message: "starting") }
        var backoff = backoff
        while !Task.isCancelled {
            let started = ContinuousClock.now
            syncStarted.withLock { $0 = started }
            do {
                try await source.run(in: context)
                guard !Task.isCancelled else { break }
                context.setStatus(.error, message: "ended unexpectedly; restarting")
            } catch is CancellationError {
                break
            } catch {
                guard !Task.isCancelled else { break }
                // A source that already said why it is down (with words for
                // people) keeps its message; otherwise the error speaks.
                if board.status(of: name)?.state != .error { context.setStatus(.error, message: "\(error)") }
                context.recordRun(startedAt: started, error: board.status(of: name)?.message ?? "\(error)")
            }
            let delay = backoff.next()
            do { try await Task.sleep(for: delay) } catch { break }
        }
        context.setStatus(.stopped, message: "stopped")
    }
}
