import Foundation
import GestaltEngine
import GestaltModel

extension GestaltRequestContext {
    /// The part of the map this request's token may see (docs/AUTH.md).
    var restriction: AccessRestriction { identity?.restriction ?? .none }
}

/// The answers that do not go through a `TopologyFilter`, narrowed to a
/// token's restriction: one entity by id, history's recorded updates.
enum RestrictedAnswers {
    /// Whether entity `id` is in scope: judged by the entity as the map has
    /// it, else (an entity gone, whose metrics history still holds) by what
    /// its id says. An entity out of scope is answered as absent, a 404.
    static func admits(entityID id: String, store: TopologyStore, restriction: AccessRestriction) -> Bool {
        if restriction.isNone { return true }
        if let entity = store.entity(id: id) { return restriction.admits(entity) }
        return restriction.admits(entityID: id)
    }

    /// Whether the entity or connection `id` (history's metrics have both)
    /// is in scope; a connection is when both its ends are.
    static func admits(metricsOf id: String, store: TopologyStore, restriction: AccessRestriction) -> Bool {
        if restriction.isNone { return true }
        if let connection = store.connection(id: id) {
            return admits(entityID: connection.sourceID, store: store, restriction: restriction)
                && admits(entityID: connection.targetID, store: store, restriction: restriction)
        }
        // A connection history still holds after it left the map: judged by
        // both ends its id names (`Connection.id`), never by the text before
        // its first `:`, which names only the source's cluster.
        if let arrow = id.range(of: "->") {
            let target = id[arrow.upperBound...]
            guard let kindColon = target.lastIndex(of: ":") else { return false }
            return admits(entityID: String(id[..<arrow.lowerBound]), store: store, restriction: restriction)
                && admits(entityID: String(target[..<kindColon]), store: store, restriction: restriction)
        }
        return admits(entityID: id, store: store, restriction: restriction)
    }

    /// Recorded updates (history's `topology/changes`) with only what the
    /// restriction admits: an entity update by its entity, a connection
    /// when both ends are in scope, a `full` filtered like a snapshot.
    /// Connection ends are judged by the entities the page carried, else
    /// as `admits(entityID:)` does.
    static func updates(_ updates: [[UInt8]], store: TopologyStore, restriction: AccessRestriction) -> [[UInt8]] {
        if restriction.isNone { return updates }
        let decoder = JSONDecoder()
        var seen: [String: Bool] = [:]
        func admitsEnd(_ id: String) -> Bool {
            seen[id] ?? admits(entityID: id, store: store, restriction: restriction)
        }
        var kept: [[UInt8]] = []
        for json in updates {
            // Recorded by this server, so it decodes; one that does not is
            // left out rather than shown unchecked.
            guard var update = try? decoder.decode(TopologyUpdate.self, from: Data(json)) else { continue }
            if let entity = update.entity {
                let admitted = restriction.admits(entity)
                seen[entity.id] = admitted
                if admitted { kept.append(json) }
            } else if let connection = update.connection {
                if admitsEnd(connection.sourceID), admitsEnd(connection.targetID) { kept.append(json) }
            } else if let topology = update.topology {
                update.topology = topology.restricted(to: restriction)
                for entity in topology.entities { seen[entity.id] = restriction.admits(entity) }
                var w = JSONWriter()
                update.write(to: &w)
                kept.append(w.bytes)
            }
        }
        return kept
    }
}

extension Topology {
    /// This topology with only the entities `filter` matches and the
    /// connections between them.
    func filtered(by filter: TopologyFilter) -> Topology {
        if filter.isEverything { return self }
        var topology = self
        topology.entities = entities.filter(filter.matches)
        let ids = Set(topology.entities.map(\.id))
        topology.connections = connections.filter { ids.contains($0.sourceID) && ids.contains($0.targetID) }
        topology.summary = TopologySummary(healths: topology.entities.map(\.health))
        return topology
    }

    func restricted(to restriction: AccessRestriction) -> Topology {
        filtered(by: TopologyFilter().restricted(to: restriction))
    }
}
