package import GestaltEngine
package import GestaltModel

/// A simulated Kubernetes cluster, with NATS subjects and streams and
/// Postgres databases beside it: the default source, so that `gestalt`
/// with no configuration shows something alive.
///
/// The model is deterministic: it never reads the clock or the system's
/// randomness. Time comes in through `load(now:)` and `step(now:)`, and
/// every random choice comes from the configuration's seed, so the same seed
/// and the same step times give the same changes and events.
///
/// ```swift
/// let cluster = SimulatedCluster(configuration: SimulatorConfiguration(seed: 7))
/// let start = Timestamp(millisecondsSince1970: 1_800_000_000_000)
/// store.apply(cluster.load(now: start).changes, now: start)
/// let later = Timestamp(millisecondsSince1970: start.millisecondsSince1970 + 100)
/// let tick = cluster.step(now: later)
/// ```
///
/// `run(store:statusBoard:)` does this against the clock until cancelled.
/// The class is not `Sendable`: one task owns it.
package final class SimulatedCluster {
    package let configuration: SimulatorConfiguration

    var rng: SplitMix64
    var mirror = MirroredTopology()
    var pendingEvents: [InfraEvent] = []
    var schedule = Schedule()
    var now = Timestamp(millisecondsSince1970: 0)

    var nodes: [NodeRecord] = []
    var deployments: [DeploymentRecord] = []
    var statefulSets: [StatefulSetRecord] = []
    var daemonSets: [DaemonSetRecord] = []
    var cronJobs: [CronJobRecord] = []
    var pods: [String: PodRecord] = [:]
    /// Every live pod, for drift and scaling picks.
    var podPool = IndexedPool()
    /// NATS subjects and streams, databases and volumes: entities whose
    /// metrics drift but which never come or go.
    var metricEntities: [String] = []

    var isLoaded = false
    var lastStep: Int64 = 0
    /// Changes the simulation may still make before it has to wait: the
    /// rate limiter of `step(now:)`.
    var budget = 0.0
    var activeRollouts = 0
    var failedNodes = 0

    package init(configuration: SimulatorConfiguration = SimulatorConfiguration()) {
        self.configuration = configuration
        self.rng = SplitMix64(seed: configuration.seed)
    }

    /// Entities the simulation currently has (and has sent).
    package var entityCount: Int { mirror.entityCount }
    /// Connections the simulation currently has (and has sent).
    package var connectionCount: Int { mirror.connectionCount }

    /// Adopts a store's thresholds and health policy, so that only changes
    /// that store finds meaningful are emitted. Call before `load(now:)`.
    package func adopt(_ storeConfiguration: StoreConfiguration) {
        mirror.thresholds = storeConfiguration.thresholds
        mirror.policy = storeConfiguration.healthPolicy
    }

    /// Builds the cluster and returns it: every entity, each before the
    /// connections that name it, then the events of its start. Only the
    /// first call builds; later calls return nothing.
    package func load(now: Timestamp) -> (changes: [TopologyChange], events: [InfraEvent]) {
        guard !isLoaded else { return ([], []) }
        isLoaded = true
        self.now = now
        lastStep = now.millisecondsSince1970
        build()
        let built = drain()
        return (inFirstOrder(built.changes), built.events)
    }

    /// Advances the simulation to `now` and returns what happened since the
    /// previous step: due transitions (pods starting, grace periods ending),
    /// then new activity worth about `changesPerSecond` changes per second
    /// of elapsed time. Costs O(changes), not O(cluster). Loads the cluster
    /// first when `load(now:)` was not called. With a rate of 0 nothing
    /// happens.
    package func step(now: Timestamp) -> (changes: [TopologyChange], events: [InfraEvent]) {
        guard isLoaded else { return load(now: now) }
        let rate = configuration.changesPerSecond
        guard rate > 0 else { return ([], []) }
        // A long pause (a suspended laptop) must not turn into a burst.
        let elapsed = min(max(now.millisecondsSince1970 - lastStep, 0), 5_000)
        lastStep = max(lastStep, now.millisecondsSince1970)
        self.now = Timestamp(millisecondsSince1970: lastStep)
        budget = min(budget + rate * Double(elapsed) / 1000, max(rate, 1))
        runDueActions()
        let floor = -2 * max(rate, 1)
        budget = max(budget, floor)
        var attempts = Int(budget * 4) + 8
        while budget > 0, attempts > 0 {
            attempts -= 1
            budget -= Double(measure { performRandomActivity() })
        }
        return drain()
    }

    // MARK: Internals shared by the extensions

    var nowMillis: Int64 { now.millisecondsSince1970 }

    func after(_ millis: Int64, _ action: ScheduledAction) {
        schedule.add(action, at: nowMillis + millis)
    }

    /// How many changes the body emitted.
    func measure(_ body: () -> Void) -> Int {
        let before = mirror.changes.count
        body()
        return mirror.changes.count - before
    }

    func event(
        _ reason: KubeReason, _ message: String, about id: String, kind: EntityKind, name: String,
        severity: Severity? = nil
    ) {
        pendingEvents.append(
            InfraEvent(
                type: reason.type, reason: reason.rawValue, message: message,
                entityID: id, entityKind: kind, entityName: name,
                severity: severity ?? reason.severity, timestamp: now
            ))
    }

    private func drain() -> (changes: [TopologyChange], events: [InfraEvent]) {
        defer { pendingEvents.removeAll(keepingCapacity: true) }
        return (mirror.drainChanges(), pendingEvents)
    }

    /// The built cluster as one upsert per entity and connection, in the
    /// order each first appeared (so every entity precedes the connections
    /// that name it), with its final values: building touches some
    /// entities more than once, and a client needs only the result.
    private func inFirstOrder(_ changes: [TopologyChange]) -> [TopologyChange] {
        var seenEntities = Set<String>()
        var seenConnections = Set<String>()
        var result: [TopologyChange] = []
        result.reserveCapacity(mirror.entityCount + mirror.connectionCount)
        for change in changes {
            switch change {
            case .upsertEntity(let entity, _):
                if seenEntities.insert(entity.id).inserted, let current = mirror[entity.id] {
                    result.append(.upsertEntity(current))
                }
            case .upsertConnection(let connection):
                if seenConnections.insert(connection.id).inserted, let current = mirror.connections[connection.id] {
                    result.append(.upsertConnection(current))
                }
            case .removeEntity, .removeConnection, .moveEntity:
                break
            }
        }
        return result
    }

    private func runDueActions() {
        while let action = schedule.popDue(upTo: nowMillis) {
            let churn = isChurn(action)
            let produced = measure { perform(action) }
            // Churn is load on top of the rate; everything else pays for itself.
            if !churn { budget -= Double(produced) }
        }
    }

    private func perform(_ action: ScheduledAction) {
        switch action {
        case .podStarted(let pod): podStarted(pod)
        case .podGone(let pod): podGone(pod)
        case .advanceRollout(let deployment): advanceRollout(deployment)
        case .startRollout(let deployment): startRollout(deployment)
        case .crashLoop(let pod): crashLoopTick(pod)
        case .nodeRecovered(let node): recoverNode(node)
        case .jobFinished(let cronJob): finishJob(cronJob)
        }
    }

    private func isChurn(_ action: ScheduledAction) -> Bool {
        switch action {
        case .podStarted(let pod), .podGone(let pod), .crashLoop(let pod):
            guard case .replicaSet(let deployment, _) = pods[pod]?.owner else { return false }
            return deployments[deployment].churn
        case .advanceRollout(let deployment), .startRollout(let deployment):
            return deployments[deployment].churn
        case .nodeRecovered, .jobFinished:
            return false
        }
    }
}
