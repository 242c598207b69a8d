package import GestaltEngine
import GestaltModel
import ServiceLifecycle

/// Keeps the store's `x, y, z` laid out: follows the store's update log,
/// feeds it to a `ForceLayout`, steps the layout while anything moves and
/// publishes meaningful moves as `moveEntity` changes at a bounded rate.
///
/// A swift-service-lifecycle `Service`: it joins the server's service group
/// and ends on graceful shutdown. All mutable state lives inside `run`, so
/// the service itself is immutable and trivially `Sendable`.
package final class LayoutService: Service {
    package let configuration: LayoutConfiguration
    package let store: TopologyStore
    /// A job's "layout pass now", served by the loop (the layout never leaves it).
    private let requests = CycleRequests<[String]>(name: "layout")

    package init(store: TopologyStore, configuration: LayoutConfiguration = LayoutConfiguration()) {
        self.store = store
        self.configuration = configuration
    }

    static let plugin = PluginMetadata(name: "layout", stage: .layout, capabilities: ["layout", "rescan"])

    /// The layout as a job's last stage: wakes the loop, which reads the log
    /// through now (the job's changes), steps the layout for one tick and
    /// publishes what its move budget allows, then answers.
    package var stage: OnDemandStage {
        let requests = requests
        return OnDemandStage(metadata: Self.plugin) { try await requests.request() }
    }

    /// Lays the store out until graceful shutdown or cancellation.
    package func run() async throws {
        await cancelWhenGracefulShutdown { await self.run(store: self.store) }
    }

    /// Runs until the task is cancelled or the store's signal closes.
    ///
    /// The loop reads the log, spends at most one tick stepping the layout,
    /// publishes what the move budget allows, then sleeps for the rest of the
    /// tick, or, with nothing moving and nothing to publish, waits for the
    /// store to change. A settled graph therefore costs no CPU and sends nothing.
    func run(store: TopologyStore) async {
        // A job waiting for a pass when the loop ends is told it is not running.
        _ = try? await requests.serving { await loop(store: store) }
    }

    private func loop(store: TopologyStore) async {
        let clock = ContinuousClock()
        var layout = ForceLayout(configuration: configuration)
        var budget = MoveBudget(ratePerSecond: configuration.maxMovesPerSecond, tick: configuration.tickInterval)
        var seen = Self.resync(&layout, from: store)
        var lastRefill = clock.now
        store.plugins.register(Self.plugin)

        while !Task.isCancelled {
            let tickStart = clock.now
            let asked = requests.take()
            seen = Self.follow(store, into: &layout, after: seen)

            // Step until the tick's time is used up, but at least once, so a
            // graph too large for one tick still converges.
            let stepped = !layout.isSettled
            while !layout.isSettled, !Task.isCancelled {
                layout.step()
                if clock.now - tickStart >= configuration.tickInterval { break }
            }
            // One record per working tick; a settled graph records nothing.
            if stepped { store.plugins.record(Self.plugin.name, PluginRun(seconds: tickStart.secondsAgo)) }

            let now = clock.now
            budget.refill(elapsed: now - lastRefill)
            lastRefill = now
            let moves = layout.movesToPublish(limit: budget.available)
            if !moves.isEmpty {
                budget.spend(moves.count)
                // A move can race the entity's removal; the store rejects it
                // and the removal reaches the layout through the log.
                store.apply(moves.map(\.change))
            }
            // A layout still settling is no soft failure: it goes on moving entities after the job.
            requests.answer(asked, .success([]))

            if layout.isSettled, layout.pendingMoveCount == 0 {
                // Own moves come back through the log; read past them first
                // so they do not count as new work.
                seen = Self.follow(store, into: &layout, after: seen)
                if !layout.isSettled { continue }
                // Changes the layout passes by (a client PATCHing labels)
                // would wake this loop once each: the rest of the tick is
                // waited out first, so it wakes at most once per tick.
                let rest = configuration.tickInterval - (clock.now - tickStart)
                if rest > .zero {
                    do { try await requests.pause(until: clock.now + rest) } catch { return }
                }
                if await Self.waitForWork(store.topologySignal, after: seen, requests: requests) == .closed {
                    // The streams closed for shutdown; this service ends when its
                    // own turn comes (cancellation), so the service group sees an
                    // orderly stop rather than a loop that quit early.
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                    return
                }
                lastRefill = clock.now
            } else {
                let rest = configuration.tickInterval - (clock.now - tickStart)
                if rest > .zero {
                    do { try await Task.sleep(for: rest) } catch { return }
                } else {
                    await Task.yield()
                }
            }
        }
    }

    /// Waits for a change of the store or a job's request, whichever comes first.
    private static func waitForWork(
        _ signal: ChangeSignal, after seen: UInt64, requests: CycleRequests<[String]>
    ) async -> ChangeSignal.Wake {
        guard !requests.hasRequests else { return .changed }
        // A subscription whose wait was cancelled stays cancelled, so each race gets one of its own.
        let racing = signal.subscribe()
        return await withTaskGroup(of: ChangeSignal.Wake?.self) { group in
            group.addTask { await racing.wait(after: seen) }
            group.addTask { (try? await requests.pauseUntilRequested()).map { .changed } }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .closed
        }
    }

    /// Loads the whole current topology; returns the revision it describes.
    private static func resync(_ layout: inout ForceLayout, from store: TopologyStore) -> UInt64 {
        let topology = store.snapshot()
        layout.sync(entities: topology.entities, connections: topology.connections)
        return topology.revision
    }

    /// Applies every logged update after `seen`; returns the last revision read.
    private static func follow(_ store: TopologyStore, into layout: inout ForceLayout, after seen: UInt64) -> UInt64 {
        var seen = seen
        while true {
            switch store.updates(after: seen, limit: 4096) {
            case .gone:
                return resync(&layout, from: store)
            case .updates(let batch):
                guard let last = batch.last else { return seen }
                for logged in batch { apply(logged, to: &layout) }
                seen = last.revision
            }
        }
    }

    private static func apply(_ logged: LoggedUpdate, to layout: inout ForceLayout) {
        switch logged.kind {
        case .add:
            if let entity = logged.entity { layout.upsert(entity) }
        case .update:
            // Only a namespace or kind change matters to the layout; updates
            // caused by the layout's own moves (and metric churn) pass by.
            if let entity = logged.entity, let previous = logged.previous,
                entity.namespace != previous.namespace || entity.kind != previous.kind || entity.name != previous.name
            {
                layout.upsert(entity)
            }
        case .remove:
            if let entity = logged.entity { layout.remove(entityID: entity.id) }
        case .connAdd, .connUpdate:
            if let connection = logged.connection { layout.upsert(connection) }
        case .connRemove:
            if let connection = logged.connection { layout.remove(connectionID: connection.id) }
        case .full:
            break
        }
    }
}
