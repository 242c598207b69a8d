import Foundation
import GestaltEngine
import GestaltModel

/// A topology kept as each item's wire JSON, by id: a rebuild's working
/// state, and the recorder's mirror of the store.
///
/// A rebuild finds items by id in the recorded JSON and decodes only the
/// final state of each, once: checkpoint items that later updates replace
/// or remove, and all but the last update of each item, are never decoded.
/// The recorder slices each item out of the update JSON the store already
/// encoded, so a checkpoint is a concatenation, not an encoding of every
/// item (docs/BENCHMARKS.md, "History").
struct SlicedReplay {
    private var entities: [String: ArraySlice<UInt8>] = [:]
    private var connections: [String: ArraySlice<UInt8>] = [:]
    /// The last change applied (the recorder's checkpoints are cut here).
    private(set) var revision: UInt64 = 0
    private(set) var timestamp = Timestamp(millisecondsSince1970: 0)

    var itemCount: Int { entities.count + connections.count }

    /// Encodes each item once: the recorder's mirror of a fresh snapshot.
    init(_ topology: Topology) {
        revision = topology.revision
        timestamp = topology.timestamp
        for entity in topology.entities { entities[entity.id] = ArraySlice(Self.encoded(entity)) }
        for connection in topology.connections { connections[connection.id] = ArraySlice(Self.encoded(connection)) }
    }

    init(checkpoint body: Data, revision: UInt64) throws(HistoryStoreError) {
        self.revision = revision
        let json = JSONSlices(bytes: [UInt8](body))
        guard let members = json.members(of: 0..<json.bytes.count) else {
            throw .corrupt("checkpoint at revision \(revision) is not an object")
        }
        for (key, value) in members {
            let isEntities = json.isKey(key, "entities")
            guard isEntities || json.isKey(key, "connections") else { continue }
            guard let items = json.elements(of: value) else {
                throw .corrupt("checkpoint at revision \(revision): a list is not an array")
            }
            for item in items {
                guard let id = json.member("id", of: item).flatMap(json.rawString) else {
                    throw .corrupt("checkpoint at revision \(revision): an item has no id")
                }
                if isEntities { entities[id] = json.bytes[item] } else { connections[id] = json.bytes[item] }
            }
        }
    }

    mutating func apply(recorded data: Data, revision: UInt64) throws(HistoryStoreError) {
        try apply(json: JSONSlices(bytes: [UInt8](data)), revision: revision)
    }

    /// The recorder's step: the update's own JSON gives the item's bytes.
    /// The store logs a removed entity's connections before the entity, so
    /// a remove never has to look for connections here.
    mutating func apply(_ update: LoggedUpdate) throws(HistoryStoreError) {
        func slice(_ name: StaticString) throws(HistoryStoreError) -> ArraySlice<UInt8> {
            let json = JSONSlices(bytes: update.json)
            guard let range = json.member(name, of: 0..<json.bytes.count) else {
                throw .corrupt("update at revision \(update.revision) has no \(name)")
            }
            return json.bytes[range]
        }
        switch update.kind {
        case .add, .update: if let entity = update.entity { entities[entity.id] = try slice("entity") }
        case .remove: if let entity = update.entity { entities.removeValue(forKey: entity.id) }
        case .connAdd, .connUpdate:
            if let connection = update.connection { connections[connection.id] = try slice("connection") }
        case .connRemove: if let connection = update.connection { connections.removeValue(forKey: connection.id) }
        case .full: break
        }
        revision = update.revision
        timestamp = update.timestamp
    }

    private mutating func apply(json: JSONSlices, revision: UInt64) throws(HistoryStoreError) {
        guard let members = json.members(of: 0..<json.bytes.count) else {
            throw .corrupt("update at revision \(revision) is not an object")
        }
        var kind: UpdateKind?
        var entity: Range<Int>?
        var connection: Range<Int>?
        for (key, value) in members {
            if json.isKey(key, "kind") {
                kind = json.rawString(value).flatMap(UpdateKind.init(rawValue:))
            } else if json.isKey(key, "entity") {
                if !json.isNull(value) { entity = value }
            } else if json.isKey(key, "connection") {
                if !json.isNull(value) { connection = value }
            }
        }
        guard let kind else { throw .corrupt("update at revision \(revision) has no known kind") }
        func id(_ item: Range<Int>) throws(HistoryStoreError) -> String {
            guard let id = json.member("id", of: item).flatMap(json.rawString) else {
                throw .corrupt("update at revision \(revision): no id")
            }
            return id
        }
        switch kind {
        case .add, .update: if let entity { entities[try id(entity)] = json.bytes[entity] }
        case .remove: if let entity { entities.removeValue(forKey: try id(entity)) }
        case .connAdd, .connUpdate: if let connection { connections[try id(connection)] = json.bytes[connection] }
        case .connRemove: if let connection { connections.removeValue(forKey: try id(connection)) }
        case .full: break
        }
    }

    /// Decodes what is left with `ItemReader`; an item it cannot read goes
    /// through `JSONDecoder`, which either reads it or says why not.
    func topology(revision: UInt64, timestamp: Timestamp) throws(HistoryStoreError) -> Topology {
        do {
            let decoder = JSONDecoder()
            var list: [Entity] = []
            list.reserveCapacity(entities.count)
            for item in entities.values {
                if let entity = ItemReader.entity(item) {
                    list.append(entity)
                } else {
                    list.append(try decoder.decode(Entity.self, from: Data(item)))
                }
            }
            var links: [Connection] = []
            links.reserveCapacity(connections.count)
            for item in connections.values {
                if let connection = ItemReader.connection(item) {
                    links.append(connection)
                } else {
                    links.append(try decoder.decode(Connection.self, from: Data(item)))
                }
            }
            return Topology(
                revision: revision, timestamp: timestamp, entities: list, connections: links,
                summary: TopologySummary(healths: list.map(\.health))
            )
        } catch {
            throw .corrupt("rebuild of revision \(revision): \(error)")
        }
    }

    /// `{"entities": [...], "connections": [...]}`: the items' bytes as kept.
    func checkpointBody() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(
            entities.values.reduce(0) { $0 + $1.count + 1 } + connections.values.reduce(0) { $0 + $1.count + 1 } + 32)
        out.append(contentsOf: #"{"entities":["#.utf8)
        Self.join(entities.values, into: &out)
        out.append(contentsOf: #"],"connections":["#.utf8)
        Self.join(connections.values, into: &out)
        out.append(contentsOf: "]}".utf8)
        return out
    }

    private static func join(_ items: Dictionary<String, ArraySlice<UInt8>>.Values, into out: inout [UInt8]) {
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: item)
        }
    }

    private static func encoded(_ item: some JSONWritable) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 512)
        item.write(to: &w)
        return w.bytes
    }
}
