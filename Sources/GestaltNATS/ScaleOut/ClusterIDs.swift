package import GestaltModel

/// Ids on an edge carry their cluster, so several clusters' maps merge into
/// one store without two entities sharing an id (docs/SCALE-OUT.md, "Ids").
///
/// The cluster goes where ids already name an instance (`k8s@prod:pod/a/b`,
/// what `AccessRestriction.cluster(ofID:)`, token restrictions and the UI
/// read as the cluster): an id without one gets the collector's
/// (`k8s:pod/a/b` from cluster `prod` becomes `k8s@prod:pod/a/b`; an id with
/// no prefix at all, `web`, becomes `@prod:web`). An id that names an instance
/// already keeps it: that source was told its cluster's name.
package enum ClusterIDs {
    package static func stamp(_ id: String, cluster: String) -> String {
        guard let colon = id.firstIndex(of: ":") else { return "@\(cluster):\(id)" }
        if id[..<colon].contains("@") { return id }
        return "\(id[..<colon])@\(cluster)\(id[colon...])"
    }

    package static func stamp(_ entity: Entity, cluster: String) -> Entity {
        var entity = entity
        entity.id = stamp(entity.id, cluster: cluster)
        return entity
    }

    package static func stamp(_ connection: Connection, cluster: String) -> Connection {
        var connection = connection
        connection.sourceID = stamp(connection.sourceID, cluster: cluster)
        connection.targetID = stamp(connection.targetID, cluster: cluster)
        connection.id = Connection.id(source: connection.sourceID, target: connection.targetID, kind: connection.kind)
        return connection
    }

    package static func stamp(_ update: TopologyUpdate, cluster: String) -> TopologyUpdate {
        var update = update
        update.entity = update.entity.map { stamp($0, cluster: cluster) }
        update.connection = update.connection.map { stamp($0, cluster: cluster) }
        update.topology = update.topology.map { stamp($0, cluster: cluster) }
        return update
    }

    package static func stamp(_ topology: Topology, cluster: String) -> Topology {
        var topology = topology
        topology.entities = topology.entities.map { stamp($0, cluster: cluster) }
        topology.connections = topology.connections.map { stamp($0, cluster: cluster) }
        return topology
    }

    package static func stamp(_ event: InfraEvent, cluster: String) -> InfraEvent {
        var event = event
        event.entityID = stamp(event.entityID, cluster: cluster)
        return event
    }
}
