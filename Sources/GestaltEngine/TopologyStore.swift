import DequeModule
package import GestaltModel
import Synchronization

/// The single source of truth: every source pushes its changes here, each
/// applied change gets the next revision, and every reader (HTTP, SSE,
/// WebSocket) reads from here.
///
/// Entities and connections are kept with their JSON, encoded once when they
/// change, so a `full` snapshot is a concatenation and an update is encoded
/// once for all subscribers.
package final class TopologyStore: Sendable {
    package let configuration: StoreConfiguration
    /// Published after every batch of applied changes, with the new revision.
    package let topologySignal = ChangeSignal()
    /// Published after every recorded event, with the new seq.
    package let eventSignal = ChangeSignal()
    /// The pipeline's plugins and their last runs (`GET /api/plugins`); kept
    /// here because every stage (sources, enrichment, layout) holds the store.
    package let plugins = PluginBoard()

    let state: Mutex<StoreState>

    package init(configuration: StoreConfiguration = StoreConfiguration()) {
        self.configuration = configuration
        self.state = Mutex(StoreState(configuration: configuration))
        plugins.register(PluginMetadata.health)
    }

    // MARK: Changes from sources

    /// Applies changes in order. A change that cannot apply (a dangling
    /// connection, a removal of something absent) is skipped and returned in
    /// `rejected`; the others still apply.
    @discardableResult
    package func apply(_ changes: [TopologyChange], now: Timestamp = .now()) -> ApplyResult {
        let (result, pass) = state.withLock { s in
            var result = ApplyResult()
            for change in changes {
                do throws(StoreError) {
                    try s.apply(change, now: now, into: &result.updates)
                } catch {
                    result.rejected.append(Rejection(change: change, error: error))
                }
            }
            return (result, s.takeHealthPass())
        }
        record(pass)
        if let last = result.updates.last { topologySignal.publish(last.revision) }
        return result
    }

    /// Applies one change, or throws and changes nothing.
    @discardableResult
    package func apply(_ change: TopologyChange, now: Timestamp = .now()) throws(StoreError) -> [LoggedUpdate] {
        let (updates, pass) = try state.withLock { s throws(StoreError) in
            var updates: [LoggedUpdate] = []
            defer { _ = s.takeHealthPass() }
            try s.apply(change, now: now, into: &updates)
            return (updates, s.healthPass)
        }
        record(pass)
        if let last = updates.last { topologySignal.publish(last.revision) }
        return updates
    }

    /// Adds an entity that must not exist yet (graph API create).
    @discardableResult
    package func create(
        _ entity: Entity, health: HealthOrigin = .scored, now: Timestamp = .now()
    ) throws(StoreError) -> Entity {
        let (stored, pass) = try state.withLock { s throws(StoreError) -> (Entity, HealthPass) in
            guard s.entities[entity.id] == nil else { throw .entityExists(id: entity.id) }
            var updates: [LoggedUpdate] = []
            defer { _ = s.takeHealthPass() }
            try s.apply(.upsertEntity(entity, health: health), now: now, into: &updates)
            return (s.entities[entity.id]!.entity, s.healthPass)
        }
        record(pass)
        topologySignal.publish(revision)
        return stored
    }

    /// Changes an existing entity in place (graph API patch). The closure may
    /// throw to refuse the change; then nothing is applied.
    @discardableResult
    package func modify(
        entityID: String, health: HealthOrigin = .scored, now: Timestamp = .now(),
        _ change: (inout Entity) throws -> Void
    ) throws -> Entity {
        let (stored, pass) = try state.withLock { s throws -> (Entity, HealthPass) in
            guard var entity = s.entities[entityID]?.entity else { throw StoreError.entityNotFound(id: entityID) }
            try change(&entity)
            entity.id = entityID
            var updates: [LoggedUpdate] = []
            defer { _ = s.takeHealthPass() }
            try s.apply(.upsertEntity(entity, health: health), now: now, into: &updates)
            return (s.entities[entityID]!.entity, s.healthPass)
        }
        record(pass)
        topologySignal.publish(revision)
        return stored
    }

    /// Marks every entity `source` owns stale (its source is down) or current
    /// again. Each entity whose flag changes is one `update`; nothing else of
    /// it changes, its health included.
    @discardableResult
    package func markStale(source: String, _ stale: Bool, now: Timestamp = .now()) -> [LoggedUpdate] {
        let updates = state.withLock { s in
            let ids = s.entities.values.lazy.filter { $0.entity.source == source && $0.entity.stale != stale }.map(
                \.entity.id)
            var updates: [LoggedUpdate] = []
            for id in ids.sorted() { s.setStale(id: id, stale, now: now, into: &updates) }
            return updates
        }
        if let last = updates.last { topologySignal.publish(last.revision) }
        return updates
    }

    /// Sets or clears metric overlays (see `EnrichedMetrics`). Each applies on
    /// top of every later upsert of its entity or connection until replaced or
    /// cleared, and publishes an `update` when the result is meaningful. An
    /// overlay whose target is not stored is returned in `missing`.
    @discardableResult
    package func enrich(_ enrichments: [Enrichment], now: Timestamp = .now()) -> EnrichResult {
        let (result, pass) = state.withLock { s in
            var result = EnrichResult()
            for enrichment in enrichments {
                do throws(StoreError) {
                    try s.enrich(enrichment, now: now, into: &result.updates)
                } catch {
                    result.missing.append(enrichment)
                }
            }
            return (result, s.takeHealthPass())
        }
        record(pass)
        if let last = result.updates.last { topologySignal.publish(last.revision) }
        return result
    }

    /// Records an event, assigning its `seq` and `id`.
    @discardableResult
    package func record(_ event: InfraEvent) -> InfraEvent {
        let recorded = state.withLock { $0.record(event) }
        eventSignal.publish(recorded.seq)
        return recorded
    }

    /// A call that scored health is a run of the health stage for `/api/plugins`:
    /// one short lock per call (a batch), never per entity.
    private func record(_ pass: HealthPass) {
        guard pass.entities > 0 else { return }
        let elapsed = pass.time.components
        plugins.record(
            PluginMetadata.health.name,
            PluginRun(seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18))
    }

    // MARK: Reads

    package var revision: UInt64 { state.withLock { $0.revision } }
    package var eventSeq: UInt64 { state.withLock { $0.eventSeq } }
    package var entityCount: Int { state.withLock { $0.entities.count } }
    package var connectionCount: Int { state.withLock { $0.connections.count } }

    package func entity(id: String) -> Entity? { state.withLock { $0.entities[id]?.entity } }
    package func connection(id: String) -> Connection? { state.withLock { $0.connections[id]?.connection } }

    /// The connections touching an entity.
    package func connections(of entityID: String) -> [Connection] {
        state.withLock { s in (s.adjacency[entityID] ?? []).compactMap { s.connections[$0]?.connection } }
    }

    /// The current topology as values (tests, layout, diffing).
    package func snapshot(filter: TopologyFilter = .everything) -> Topology {
        state.withLock { $0.snapshot(filter: filter) }
    }

    /// The current topology as JSON: a Topology object, or a `full` TopologyUpdate.
    package func snapshotJSON(
        filter: TopologyFilter = .everything, asFullUpdate: Bool
    ) -> (revision: UInt64, json: [UInt8]) {
        state.withLock { $0.snapshotJSON(filter: filter, asFullUpdate: asFullUpdate) }
    }

    /// The ids of the stored entities of these kinds, by kind: what an
    /// enricher counts to tell which entities its cycle left without figures.
    package func entityIDs(of kinds: Set<EntityKind>) -> [EntityKind: [String]] {
        state.withLock { s in
            var ids: [EntityKind: [String]] = [:]
            for record in s.entities.values where kinds.contains(record.entity.kind) {
                ids[record.entity.kind, default: []].append(record.entity.id)
            }
            return ids
        }
    }

    package func health() -> HealthReport { state.withLock { $0.healthReport() } }

    package var summary: TopologySummary { state.withLock { $0.summary } }

    /// The retained updates after `revision`, at most `limit` of them.
    package func updates(after revision: UInt64, limit: Int = .max) -> LogRead {
        state.withLock { $0.updates(after: revision, limit: limit) }
    }

    /// Recent events, newest first, matching the filter.
    package func events(filter: EventFilter = EventFilter(), limit: Int = 100) -> [InfraEvent] {
        state.withLock { s in
            var result: [InfraEvent] = []
            for logged in s.events.reversed() where filter.matches(logged.event) {
                result.append(logged.event)
                if result.count >= limit { break }
            }
            return result
        }
    }

    /// The retained events after `seq`, oldest first, or nil when `seq` is
    /// older than the retained window or unknown.
    package func events(after seq: UInt64, limit: Int = .max) -> [LoggedEvent]? {
        state.withLock { $0.events(after: seq, limit: limit) }
    }
}

/// What a batch `apply` did.
package struct ApplyResult: Sendable {
    package var updates: [LoggedUpdate] = []
    package var rejected: [Rejection] = []
}

package struct Rejection: Sendable {
    package var change: TopologyChange
    package var error: StoreError
}

/// An event as retained, with its JSON encoded once.
package struct LoggedEvent: Sendable {
    package let event: InfraEvent
    package let json: [UInt8]
}
