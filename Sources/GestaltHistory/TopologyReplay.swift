import Foundation
import GestaltEngine
import GestaltModel

/// A topology kept as dictionaries so updates apply in O(1): the recorder's
/// mirror of the store (what it checkpoints), and a rebuild's working state.
struct TopologyReplay {
    private(set) var revision: UInt64
    private(set) var timestamp: Timestamp
    private var entities: [String: Entity]
    private var connections: [String: Connection]

    init(_ topology: Topology) {
        revision = topology.revision
        timestamp = topology.timestamp
        entities = Dictionary(topology.entities.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        connections = Dictionary(topology.connections.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    var itemCount: Int { entities.count + connections.count }

    /// The store logs a removed entity's connections before the entity, so
    /// a remove never has to look for connections here.
    mutating func apply(
        kind: UpdateKind, revision: UInt64, timestamp: Timestamp, entity: Entity?, connection: Connection?
    ) {
        switch kind {
        case .add, .update: if let entity { entities[entity.id] = entity }
        case .remove: if let entity { entities.removeValue(forKey: entity.id) }
        case .connAdd, .connUpdate: if let connection { connections[connection.id] = connection }
        case .connRemove: if let connection { connections.removeValue(forKey: connection.id) }
        case .full: break
        }
        self.revision = revision
        self.timestamp = timestamp
    }

    mutating func apply(_ update: LoggedUpdate) {
        apply(
            kind: update.kind, revision: update.revision, timestamp: update.timestamp, entity: update.entity,
            connection: update.connection)
    }

    var topology: Topology {
        let list = Array(entities.values)
        return Topology(
            revision: revision, timestamp: timestamp, entities: list, connections: Array(connections.values),
            summary: TopologySummary(healths: list.map(\.health))
        )
    }

    // MARK: Checkpoint body

    /// `{"entities": [...], "connections": [...]}` in the wire JSON of each item.
    func checkpointBody() -> [UInt8] {
        var w = JSONWriter(reservingCapacity: itemCount * 512)
        w.beginObject()
        w.key("entities"); w.beginArray()
        for entity in entities.values { entity.write(to: &w) }
        w.endArray()
        w.key("connections"); w.beginArray()
        for connection in connections.values { connection.write(to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    init(checkpoint body: Data, revision: UInt64, timestamp: Timestamp, decoder: JSONDecoder) throws(HistoryStoreError)
    {
        do {
            let decoded = try decoder.decode(CheckpointBody.self, from: body)
            self.init(
                Topology(
                    revision: revision, timestamp: timestamp, entities: decoded.entities,
                    connections: decoded.connections, summary: TopologySummary()))
        } catch {
            throw .corrupt("checkpoint at revision \(revision): \(error)")
        }
    }

    mutating func apply(
        recorded json: Data, revision: UInt64, timestamp: Timestamp, decoder: JSONDecoder
    ) throws(HistoryStoreError) {
        do {
            let update = try decoder.decode(RecordedUpdate.self, from: json)
            apply(
                kind: update.kind, revision: revision, timestamp: timestamp, entity: update.entity,
                connection: update.connection)
        } catch {
            throw .corrupt("update at revision \(revision): \(error)")
        }
    }

    private struct CheckpointBody: Decodable {
        var entities: [Entity]
        var connections: [Connection]
    }

    /// The parts of a recorded TopologyUpdate a replay needs.
    private struct RecordedUpdate: Decodable {
        var kind: UpdateKind
        var entity: Entity?
        var connection: Connection?
    }
}
