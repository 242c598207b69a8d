import Foundation
import GestaltEngine
import GestaltModel
import HTTPTypes
import Synchronization

/// The graph API's own entities and edges: custom things pushed by clients
/// (source `api`). It validates bodies and turns store refusals into the
/// status codes of PROTOCOL.md.
final class GraphAPI: Sendable {
    static let source = "api"

    private let store: TopologyStore
    /// Entities whose creator set `health` itself; a later patch without
    /// `health` keeps it instead of rescoring.
    private let explicitHealth = Mutex<Set<String>>([])
    /// Edges created here; only these may be deleted here.
    private let ownedEdges = Mutex<Set<String>>([])
    /// Where each change goes as a graph event (the log, or NATS); it must not block.
    private let emit: @Sendable (GraphEvent) -> Void

    init(store: TopologyStore, emit: @escaping @Sendable (GraphEvent) -> Void = { _ in }) {
        self.store = store
        self.emit = emit
    }

    func createNode(_ body: [String: JSONValue]) throws -> Entity {
        let fields = BodyFields(object: body)
        guard let name = try fields.string("name") else {
            throw APIError.invalidBody("field 'name' is required: a non-empty string")
        }
        guard !name.isEmpty else { throw APIError.invalidBody("field 'name' must not be empty") }
        let id = try fields.string("id") ?? "api:\(UUID().uuidString.lowercased())"
        guard !id.isEmpty else { throw APIError.invalidBody("field 'id' must not be empty when given") }
        var entity = Entity(id: id, kind: .custom, name: name, source: Self.source, status: .running)
        try Self.applyFields(fields, to: &entity)
        let healthGiven = fields.has("health")
        do {
            let stored = try store.create(entity, health: healthGiven ? .given : .scored)
            if healthGiven { _ = explicitHealth.withLock { $0.insert(id) } }
            emit(.nodeCreated(stored))
            return stored
        } catch .entityExists {
            throw APIError(
                .conflict, code: "already_exists",
                "an entity with id '\(id)' already exists; PATCH it or choose another id")
        } catch {
            throw APIError.invalidBody(error.description)
        }
    }

    func patchNode(id: String, _ body: [String: JSONValue]) throws -> Entity {
        let fields = BodyFields(object: body)
        if let bodyID = try fields.string("id"), bodyID != id {
            throw APIError.invalidBody(
                "field 'id' ('\(bodyID)') does not match the id in the path ('\(id)'); ids cannot change")
        }
        if let name = try fields.string("name"), name.isEmpty {
            throw APIError.invalidBody("field 'name' must not be empty")
        }
        let old = try requireOwned(id)
        if fields.has("health") { _ = explicitHealth.withLock { $0.insert(id) } }
        let keepHealth = explicitHealth.withLock { $0.contains(id) }
        do {
            let new = try store.modify(entityID: id, health: keepHealth ? .given : .scored) { entity in
                if let name = try fields.string("name") { entity.name = name }
                try Self.applyFields(fields, to: &entity)
            }
            emit(.nodeUpdated(from: old, to: new))
            return new
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.notFound("no entity with id '\(id)'")
        }
    }

    func deleteNode(id: String) throws {
        let old = try requireOwned(id)
        do {
            try store.apply(.removeEntity(id: id))
            _ = explicitHealth.withLock { $0.remove(id) }
            emit(.nodeDeleted(old))
        } catch {
            throw APIError.notFound("no entity with id '\(id)'")
        }
    }

    func createEdge(_ body: [String: JSONValue]) throws -> Connection {
        let fields = BodyFields(object: body)
        guard let sourceID = try fields.string("source_id"), !sourceID.isEmpty else {
            throw APIError.invalidBody("field 'source_id' is required: the id of an existing entity")
        }
        guard let targetID = try fields.string("target_id"), !targetID.isEmpty else {
            throw APIError.invalidBody("field 'target_id' is required: the id of an existing entity")
        }
        let kind = try fields.choice("kind", as: ConnectionKind.self) ?? .depends
        let connection = Connection(
            sourceID: sourceID, targetID: targetID, kind: kind,
            requestsPerSec: try fields.number("requests_per_sec", in: 0...Double.greatestFiniteMagnitude) ?? 0,
            bytesPerSec: try fields.number("bytes_per_sec", in: 0...Double.greatestFiniteMagnitude) ?? 0,
            errorRate: try fields.number("error_rate", in: 0...1) ?? 0,
            latencyMs: try fields.number("latency_ms", in: 0...Double.greatestFiniteMagnitude) ?? 0
        )
        if let id = try fields.string("id"), id != connection.id {
            throw APIError.invalidBody("field 'id' must be '\(connection.id)' (source->target:kind) or absent")
        }
        guard store.connection(id: connection.id) == nil else {
            throw APIError(.conflict, code: "already_exists", "connection '\(connection.id)' already exists")
        }
        do {
            try store.apply(.upsertConnection(connection))
        } catch .danglingConnection(_, let missing) {
            throw APIError(
                .unprocessableContent, code: "missing_endpoint",
                "entity '\(missing)' does not exist; create it before connecting it")
        } catch {
            throw APIError.invalidBody(error.description)
        }
        _ = ownedEdges.withLock { $0.insert(connection.id) }
        emit(.edgeCreated(connection, projectID: projectID(of: connection)))
        return connection
    }

    func deleteEdge(id: String) throws {
        guard let connection = store.connection(id: id) else {
            throw APIError.notFound("no connection with id '\(id)'")
        }
        guard ownedEdges.withLock({ $0.contains(id) }) else {
            throw APIError(
                .conflict, code: "not_owned",
                "connection '\(id)' belongs to a source, not the graph API; it cannot be deleted here")
        }
        do {
            let project = projectID(of: connection)
            try store.apply(.removeConnection(id: id))
            _ = ownedEdges.withLock { $0.remove(id) }
            emit(.edgeDeleted(connection, projectID: project))
        } catch {
            throw APIError.notFound("no connection with id '\(id)'")
        }
    }

    @discardableResult
    private func requireOwned(_ id: String) throws -> Entity {
        guard let entity = store.entity(id: id) else { throw APIError.notFound("no entity with id '\(id)'") }
        guard entity.source == Self.source else {
            throw APIError(
                .conflict, code: "not_owned",
                "entity '\(id)' belongs to source '\(entity.source)'; only graph API entities can be changed here")
        }
        return entity
    }

    /// An edge's project is its source node's namespace.
    private func projectID(of connection: Connection) -> String {
        store.entity(id: connection.sourceID)?.namespace ?? ""
    }

    /// The optional entity fields shared by create and patch.
    private static func applyFields(_ fields: BodyFields, to entity: inout Entity) throws {
        if let kind = try fields.choice("kind", as: EntityKind.self) { entity.kind = kind }
        if let namespace = try fields.optionalString("namespace") { entity.namespace = namespace }
        if let status = try fields.choice("status", as: EntityStatus.self) { entity.status = status }
        if let labels = try fields.stringMap("labels") { entity.labels = labels }
        if let annotations = try fields.stringMap("annotations") { entity.annotations = annotations }
        if let health = try fields.number("health", in: 0...1) { entity.health = health }
        if let cpu = try fields.number("cpu_percent", in: 0...100_000) { entity.cpuPercent = cpu }
        if let value = try fields.integer("memory_bytes") { entity.memoryBytes = value }
        if let value = try fields.integer("memory_limit") { entity.memoryLimit = value }
        if let value = try fields.integer("network_rx_bytes") { entity.networkRxBytes = value }
        if let value = try fields.integer("network_tx_bytes") { entity.networkTxBytes = value }
        if let metrics = try fields.numberMap("custom_metrics") { entity.customMetrics = metrics }
        if let x = try fields.number("x") { entity.x = x }
        if let y = try fields.number("y") { entity.y = y }
        if let z = try fields.number("z") { entity.z = z }
    }
}
