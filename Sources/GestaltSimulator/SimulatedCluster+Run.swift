package import GestaltEngine
import GestaltModel

extension SimulatedCluster {
    /// The name the simulator reports under on the source status board.
    package static let sourceName = "simulator"

    /// Loads the cluster into the store, then steps it every
    /// `tickInterval` against the clock, applying its changes and recording
    /// its events, until the task is cancelled; then it returns normally.
    /// With a rate of 0 the cluster is loaded and left as it is.
    /// - Parameter sink: where changes and events go, when not straight into
    ///   the store (a churn-smoothing pipeline in front of it).
    /// - Parameter requests: rescans, answered with `picture` between ticks.
    package func run(
        store: TopologyStore, sink: (any ChangeSink)? = nil, statusBoard: SourceStatusBoard,
        requests: CycleRequests<SourceSnapshot>? = nil
    ) async throws {
        let target: any ChangeSink = sink ?? store
        let name = Self.sourceName
        statusBoard.set(name, .syncing, message: "building a simulated cluster of about \(configuration.size) entities")
        adopt(store.configuration)
        let start = Timestamp.now()
        let initial = load(now: start)
        // The initial cluster goes straight to the store: smoothing is for
        // bursts of life, and readiness means the map is there to see.
        let result = store.apply(
            Self.removalsOfGhosts(in: store, keeping: initial.changes) + initial.changes, now: start)
        for event in initial.events { store.record(event) }
        var details = [
            "seed": String(configuration.seed), "changes_per_second": String(configuration.changesPerSecond),
            "size": String(configuration.size), "churn": String(configuration.churn),
        ]
        if !result.rejected.isEmpty { details["rejected"] = String(result.rejected.count) }
        let frozen = configuration.changesPerSecond == 0
        statusBoard.set(
            name, .ready,
            message: "\(entityCount) entities, \(connectionCount) connections, seed \(configuration.seed)"
                + (frozen ? ", frozen" : ", \(configuration.changesPerSecond) changes/s")
                + (configuration.churn ? ", churn" : ""),
            details: details
        )
        defer { statusBoard.set(name, .stopped, message: "stopped", details: details) }

        guard !frozen else {
            while !Task.isCancelled {
                guard let requests else { try? await Task.sleep(for: .seconds(3_600)); continue }
                do { try await requests.pauseUntilRequested() } catch { break }
                requests.answer(requests.take(), .success(picture))
            }
            return
        }
        let clock = ContinuousClock()
        let interval = configuration.tickInterval
        var deadline = clock.now
        while !Task.isCancelled {
            deadline += interval
            // After a stall, carry on from now instead of catching up in a burst.
            if deadline < clock.now - interval { deadline = clock.now }
            do { try await Task.sleep(until: deadline, clock: clock) } catch { break }
            let now = Timestamp.now()
            let tickStart = clock.now
            let tick = step(now: now)
            if !tick.changes.isEmpty { target.apply(tick.changes, now: now) }
            for event in tick.events { target.record(event) }
            // Each tick is a run of the simulator's plugin: one record per tick, never per entity.
            store.plugins.record(name, PluginRun(seconds: tickStart.secondsAgo))
            if let requests, requests.hasRequests { requests.answer(requests.take(), .success(picture)) }
        }
    }
}

extension SimulatedCluster {
    /// Everything the simulation has (and has sent), as one picture.
    package var picture: SourceSnapshot {
        SourceSnapshot(entities: Array(mirror.entities.values), connections: Array(mirror.connections.values))
    }

    /// What the store holds for the simulator that this run's cluster does
    /// not have: after a restart the store holds the recorded topology, and
    /// pods that churned away since the cluster's seed state would stay
    /// there as ghosts.
    static func removalsOfGhosts(in store: TopologyStore, keeping changes: [TopologyChange]) -> [TopologyChange] {
        var next = SourceSnapshot()
        for change in changes {
            switch change {
            case .upsertEntity(let entity, _): next.entities[entity.id] = entity
            case .upsertConnection(let connection): next.connections[connection.id] = connection
            default: break
            }
        }
        let topology = store.snapshot()
        let owned = topology.entities.filter { $0.source == sourceName }
        guard !owned.isEmpty else { return [] }
        let ids = Set(owned.map(\.id))
        let connections = topology.connections.filter { ids.contains($0.sourceID) || ids.contains($0.targetID) }
        return SnapshotDiff.removals(from: SourceSnapshot(entities: owned, connections: connections), to: next)
    }
}
