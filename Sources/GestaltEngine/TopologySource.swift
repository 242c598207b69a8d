package import GestaltModel

/// Which instance of which kind of source owns an entity: `kubernetes`,
/// `kubernetes@prod`, `docker@build-host`. An unnamed instance keeps the
/// ids every earlier version used (`k8s:pod/shop/web-1`); a named one
/// carries its name in them (`k8s@prod:pod/shop/web-1`).
package struct SourceInstance: Sendable, Hashable, CustomStringConvertible {
    /// The source's kind as configured: `kubernetes`, `docker`, `nats`, `postgres`, `simulator`.
    package var kind: String
    /// The instance's name from the configuration; nil for a single unnamed instance.
    package var name: String?

    package init(kind: String, name: String? = nil) {
        self.kind = kind
        self.name = name
    }

    /// What `/api/infra/sources` and `Entity.source` show: `docker` or `docker@build-host`.
    package var description: String { name.map { "\(kind)@\($0)" } ?? kind }

    /// The prefix of this instance's entity ids, from the short scheme of its
    /// kind: `idPrefix("docker")` is `docker` or `docker@build-host`.
    package func idPrefix(_ scheme: String) -> String { name.map { "\(scheme)@\($0)" } ?? scheme }
}

/// What a running source is given: where its changes go, where its status
/// is shown, and a read of what the store holds for it now.
package struct SourceContext: Sendable {
    /// The churn pipeline (or the store when smoothing is off). Sources never
    /// write to the store directly, so churn smoothing applies to all of them.
    package let sink: any ChangeSink
    package let statusBoard: SourceStatusBoard
    /// The store itself, for reads and for the rare write that must skip
    /// smoothing (the simulator's initial load). Changes go through `sink`.
    package let store: TopologyStore
    package let instance: SourceInstance

    package init(instance: SourceInstance, sink: any ChangeSink, store: TopologyStore, statusBoard: SourceStatusBoard) {
        self.instance = instance
        self.sink = sink
        self.store = store
        self.statusBoard = statusBoard
    }

    /// Publishes this instance's status under its name.
    package func setStatus(_ state: SourceStatus.State, message: String = "", details: [String: String] = [:]) {
        statusBoard.set(instance.description, state, message: message, details: details)
    }

    /// The entities and connections this instance owns in the store now. A
    /// poll source that (re)starts diffs its first picture against this, so
    /// what vanished while it was down is removed and nothing is duplicated.
    package func ownedSnapshot() -> SourceSnapshot {
        let owner = instance.description
        let topology = store.snapshot()
        let entities = topology.entities.filter { $0.source == owner }
        let ids = Set(entities.map(\.id))
        let connections = topology.connections.filter { ids.contains($0.sourceID) || ids.contains($0.targetID) }
        return SourceSnapshot(entities: entities, connections: connections)
    }

    /// The store's current entity, for enrichers that add to what a source wrote.
    package func entity(id: String) -> Entity? { store.entity(id: id) }

    /// The store's current connection, for enrichers.
    package func connection(id: String) -> Connection? { store.connection(id: id) }

    /// The stored entities of these kinds, by kind (`TopologyStore.entityIDs(of:)`).
    package func entityIDs(of kinds: Set<EntityKind>) -> [EntityKind: [String]] { store.entityIDs(of: kinds) }

    /// Sets or clears metric overlays straight in the store: an overlay is
    /// not a change of topology, so it skips churn smoothing.
    @discardableResult
    package func enrich(_ enrichments: [Enrichment], now: Timestamp = .now()) -> EnrichResult {
        store.enrich(enrichments, now: now)
    }

    /// Records one finished cycle of this instance for `/api/plugins`: once per
    /// cycle, never per entity.
    package func recordRun(startedAt: ContinuousClock.Instant, warnings: [String] = [], error: String? = nil) {
        store.plugins.record(
            instance.description, PluginRun(seconds: startedAt.secondsAgo, warnings: warnings, error: error))
    }
}

/// A source of topology: Kubernetes, Docker, NATS, PostgreSQL, the simulator.
/// The server starts every configured source through `SourceSupervisor`;
/// adding a kind of source touches no server code.
package protocol TopologySource: Sendable {
    var instance: SourceInstance { get }

    /// Collects until cancelled, writing through `context.sink` and showing
    /// its state with `context.setStatus`. Throwing ends this run: the
    /// supervisor marks the instance's entities stale, backs off (capped,
    /// jittered) and runs it again.
    func run(in context: SourceContext) async throws
}

/// A source that can take a fresh full list on demand (a rescan job), apart
/// from its running collection. The job diffs the list against what the store
/// holds for the instance, so nothing is duplicated and nothing flickers.
///
/// A built-in source answers from its running task (`CycleRequests`): the
/// rescan wakes it for a cycle that starts after the request, so it sees
/// what its last cycle (or a missed watch event) did not. An enricher's rescan
/// is an enrichment cycle now; it owns no entities, so nothing is diffed.
package protocol RescannableSource: TopologySource {
    func rescan(in context: SourceContext) async throws -> SourceSnapshot
    /// How the diffed entities' health is taken: `.given` for a source that
    /// scores health itself (NATS, PostgreSQL), so a rescan keeps its verdict.
    var rescanHealth: HealthOrigin { get }
}

extension RescannableSource {
    package var rescanHealth: HealthOrigin { .scored }
}

/// A later stage of the pipeline a job can run on demand (the layout): it
/// returns its warnings, or throws when it cannot run now.
package struct OnDemandStage: Sendable {
    package let metadata: PluginMetadata
    package let run: @Sendable () async throws -> [String]

    package init(metadata: PluginMetadata, run: @escaping @Sendable () async throws -> [String]) {
        self.metadata = metadata
        self.run = run
    }
}

extension TopologySource {
    /// The plugin this source is in the pipeline: the Prometheus enricher is
    /// the enrichment stage, every other kind a source.
    package var pluginMetadata: PluginMetadata {
        let name = instance.description
        let rescan = self is any RescannableSource ? ["rescan"] : []
        if instance.kind == "prometheus" {
            return PluginMetadata(name: name, stage: .enrichment, capabilities: ["enrich"] + rescan, instance: name)
        }
        return PluginMetadata(name: name, stage: .source, capabilities: ["collect"] + rescan, instance: name)
    }
}
