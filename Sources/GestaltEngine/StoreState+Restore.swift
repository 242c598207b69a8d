import GestaltModel

/// Putting the recorded past back at a restart (`HistoryRestore`). What was
/// recorded is put back exactly: no health scoring, no thresholds, and each
/// replayed update keeps its recorded revision and JSON, so a client resuming
/// from before the restart reads the very bytes it would have read then.
extension StoreState {
    /// Replaces an empty store's content with a recorded topology.
    mutating func restore(_ topology: Topology) {
        for entity in topology.entities {
            store(entity)
            tally(entity)
        }
        for connection in topology.connections
        where entities[connection.sourceID] != nil && entities[connection.targetID] != nil {
            putConnection(connection)
        }
        revision = topology.revision
        logPredecessor = topology.revision
    }

    /// Applies one recorded update as it was recorded and logs it.
    mutating func replay(_ update: TopologyUpdate, json: [UInt8]) {
        var entity = update.entity
        var previous: Entity?
        var connection = update.connection
        var ends: (source: Entity, target: Entity)?
        var neighbours: [(connection: Connection, peer: Entity)] = []
        switch update.kind {
        case .add, .update:
            guard let incoming = update.entity else { return }
            if let old = entities[incoming.id]?.entity {
                untally(old)
                if update.kind == .update { previous = old }
                if old.labels != incoming.labels || old.namespace != incoming.namespace || old.kind != incoming.kind {
                    neighbours = self.neighbours(of: incoming.id)
                }
            }
            store(incoming)
            tally(incoming)
        case .remove:
            guard let id = update.entity?.id, let record = entities.removeValue(forKey: id) else { return }
            entityJSON.removeValue(forKey: id)
            adjacency.removeValue(forKey: id)
            untally(record.entity)
            entity = record.entity
        case .connAdd, .connUpdate:
            guard let incoming = update.connection,
                let source = entities[incoming.sourceID]?.entity, let target = entities[incoming.targetID]?.entity
            else { return }
            putConnection(incoming)
            ends = (source, target)
        case .connRemove:
            guard let id = update.connection?.id, let record = connections.removeValue(forKey: id) else { return }
            connectionJSON.removeValue(forKey: id)
            adjacency[record.connection.sourceID]?.remove(id)
            adjacency[record.connection.targetID]?.remove(id)
            connection = record.connection
            ends = entities[record.connection.sourceID].flatMap { s in
                entities[record.connection.targetID].map { (s.entity, $0.entity) }
            }
        case .full:
            return
        }
        revision = update.revision
        appendToLog(
            LoggedUpdate(
                revision: update.revision, kind: update.kind, timestamp: update.timestamp, entity: entity,
                previous: previous,
                connection: connection, ends: ends, neighbours: neighbours, json: json
            ))
    }

    private mutating func putConnection(_ connection: Connection) {
        let json = connection.jsonBytes()
        connections[connection.id] = ConnectionRecord(connection: connection, json: json)
        connectionJSON[connection.id] = json
        adjacency[connection.sourceID, default: []].insert(connection.id)
        adjacency[connection.targetID, default: []].insert(connection.id)
    }
}
