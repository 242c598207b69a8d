import GestaltEngine
import GestaltModel

/// The simulator's copy of what it has told the store.
///
/// Every change goes through here, so that the simulator emits only changes
/// the store will apply: an update that is below the store's thresholds is
/// not emitted (and not kept, so the copy stays equal to the store's
/// entity), a connection is only emitted when both ends exist, and a removal
/// only names something present. Removing an entity drops its connections
/// here the same way the store cascades them.
struct MirroredTopology {
    var thresholds: ChangeThresholds = .default
    var policy: HealthPolicy = .default

    private(set) var entities: [String: Entity] = [:]
    private(set) var connections: [String: Connection] = [:]
    /// Entity id → its connection ids. Arrays, not sets, so nothing here
    /// depends on the per-process hash seed.
    private var adjacency: [String: [String]] = [:]
    /// Connections that carry traffic figures, for drift.
    private(set) var traffic = IndexedPool()
    /// Each traffic connection's first figures, which its drift returns to.
    private(set) var trafficBaselines: [String: (requestsPerSec: Double, latencyMs: Double)] = [:]
    private(set) var changes: [TopologyChange] = []

    var entityCount: Int { entities.count }
    var connectionCount: Int { connections.count }

    subscript(id: String) -> Entity? { entities[id] }

    func contains(_ id: String) -> Bool { entities[id] != nil }

    mutating func drainChanges() -> [TopologyChange] {
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    // MARK: Entities

    mutating func add(_ entity: Entity) {
        guard entities[entity.id] == nil else {
            assertionFailure("simulator added \(entity.id) twice")
            return
        }
        var scored = entity
        scored.health = policy.score(scored)
        entities[entity.id] = scored
        changes.append(.upsertEntity(scored))
    }

    /// Changes an entity; emits and keeps the result only when the store
    /// would find it meaningful. Returns whether it did.
    /// `whenEmitted` runs only for a change that goes out: cumulative
    /// counters ride along with a meaningful change instead of making every
    /// change meaningful.
    @discardableResult
    mutating func update(
        _ id: String, now: Timestamp, _ change: (inout Entity) -> Void, whenEmitted: ((inout Entity) -> Void)? = nil
    ) -> Bool {
        guard let old = entities[id] else { return false }
        var new = old
        change(&new)
        new.health = policy.score(new)
        guard thresholds.isMeaningful(from: old, to: new) else { return false }
        whenEmitted?(&new)
        new.updatedAt = now
        entities[id] = new
        changes.append(.upsertEntity(new))
        return true
    }

    mutating func remove(_ id: String) {
        guard entities.removeValue(forKey: id) != nil else { return }
        for connectionID in adjacency.removeValue(forKey: id) ?? [] {
            forget(connectionID)
        }
        changes.append(.removeEntity(id: id))
    }

    // MARK: Connections

    mutating func connect(_ connection: Connection) {
        guard entities[connection.sourceID] != nil, entities[connection.targetID] != nil else {
            assertionFailure("simulator connected a missing end: \(connection.id)")
            return
        }
        if let old = connections[connection.id] {
            guard thresholds.isMeaningful(from: old, to: connection) else { return }
        } else {
            adjacency[connection.sourceID, default: []].append(connection.id)
            adjacency[connection.targetID, default: []].append(connection.id)
            if MirroredTopology.carriesTraffic(connection.kind) {
                traffic.insert(connection.id)
                trafficBaselines[connection.id] = (connection.requestsPerSec, connection.latencyMs)
            }
        }
        connections[connection.id] = connection
        changes.append(.upsertConnection(connection))
    }

    @discardableResult
    mutating func updateConnection(_ id: String, _ change: (inout Connection) -> Void) -> Bool {
        guard let old = connections[id] else { return false }
        var new = old
        change(&new)
        guard thresholds.isMeaningful(from: old, to: new) else { return false }
        connections[id] = new
        changes.append(.upsertConnection(new))
        return true
    }

    mutating func disconnect(_ id: String) {
        guard connections[id] != nil else { return }
        forget(id)
        changes.append(.removeConnection(id: id))
    }

    private mutating func forget(_ connectionID: String) {
        guard let connection = connections.removeValue(forKey: connectionID) else { return }
        traffic.remove(connectionID)
        trafficBaselines.removeValue(forKey: connectionID)
        for end in [connection.sourceID, connection.targetID] {
            guard var list = adjacency[end], let index = list.firstIndex(of: connectionID) else { continue }
            list.remove(at: index)
            adjacency[end] = list
        }
    }

    /// Ownership, dependency and mount edges have no traffic of their own.
    static func carriesTraffic(_ kind: ConnectionKind) -> Bool {
        switch kind {
        case .network, .http, .grpc, .nats, .volume: true
        case .depends, .owns: false
        }
    }
}
