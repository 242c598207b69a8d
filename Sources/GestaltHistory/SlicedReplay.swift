import Foundation
import GestaltModel

/// A rebuild that finds items by id in the recorded JSON and decodes only
/// the final state of each, once, in one pass: checkpoint items that later
/// updates replace or remove, and all but the last update of each item, are
/// never decoded. Decoding every one of them was most of a rebuild's time
/// (docs/BENCHMARKS.md, "History"). Same result as `TopologyReplay`.
struct SlicedReplay {
    private var entities: [String: ArraySlice<UInt8>] = [:]
    private var connections: [String: ArraySlice<UInt8>] = [:]

    init(checkpoint body: Data, revision: UInt64) throws(HistoryStoreError) {
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
        let json = JSONSlices(bytes: [UInt8](data))
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

    /// Decodes what is left, each list in one call.
    func topology(revision: UInt64, timestamp: Timestamp) throws(HistoryStoreError) -> Topology {
        do {
            let decoder = JSONDecoder()
            let list = try decoder.decode([Entity].self, from: Self.array(entities.values))
            let links = try decoder.decode([Connection].self, from: Self.array(connections.values))
            return Topology(
                revision: revision, timestamp: timestamp, entities: list, connections: links,
                summary: TopologySummary(healths: list.map(\.health))
            )
        } catch {
            throw .corrupt("rebuild of revision \(revision): \(error)")
        }
    }

    private static func array(_ items: Dictionary<String, ArraySlice<UInt8>>.Values) -> Data {
        var out = Data()
        out.reserveCapacity(items.reduce(2) { $0 + $1.count + 1 })
        out.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: item)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
