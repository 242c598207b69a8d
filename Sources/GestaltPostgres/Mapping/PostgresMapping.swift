package import GestaltModel

/// Turns samples into entities, connections and conditions. Pure: the same
/// samples give the same picture, so every rule here is tested without a server.
///
/// - The server is a `database` entity labelled `postgres.role=server`,
///   id `postgres:server/<host:port>`; each database one labelled
///   `postgres.role=database`, id `postgres:database/<host:port>/<name>`,
///   owned by its server (an `owns` connection).
/// - Health is the collector's judgement (the store keeps it as given):
///   1 when fine, 0.6 when warning, 0.2 when critical, 0 when unreachable.
package struct PostgresMapping: Sendable {
    package static let warningHealth = 0.6
    package static let criticalHealth = 0.2

    /// `postgres` or `postgres@<instance>`.
    package var idPrefix: String
    /// `Entity.source`: the instance's description.
    package var source: String
    package var poolWarning: Double
    package var poolCritical: Double
    package var longQuerySeconds: Double

    package init(idPrefix: String, source: String, configuration: PostgresSourceConfiguration) {
        self.idPrefix = idPrefix
        self.source = source
        self.poolWarning = configuration.poolWarning
        self.poolCritical = configuration.poolCritical
        self.longQuerySeconds =
            Double(configuration.longQuery.components.seconds)
            + Double(configuration.longQuery.components.attoseconds) / 1e18
    }

    package func serverID(_ server: String) -> String { "\(idPrefix):server/\(server)" }
    package func databaseID(server: String, database: String) -> String { "\(idPrefix):database/\(server)/\(database)" }

    /// The picture of a server that answered. `previous` is its last sample,
    /// for rates; `client` names the entity of a client, or nil.
    package func picture(
        server: String, sample: ServerSample, previous: ServerSample?, createdAt: (String) -> Timestamp,
        client: (ClientSample) -> String?
    ) -> ServerPicture {
        let serverID = serverID(server)
        let elapsed = previous.map { Self.seconds(sample.takenAt - $0.takenAt) } ?? 0
        let previousDatabases = Dictionary(
            previous?.databases.map { ($0.name, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let maxConnections = Double(max(sample.maxConnections, 1))
        var picture = ServerPicture()

        var totalTPS: Double? = previous == nil ? nil : 0
        var slowestOverall = 0.0
        var databaseIDs: [String: String] = [:]
        for database in sample.databases {
            let id = databaseID(server: server, database: database.name)
            databaseIDs[database.name] = id
            var metrics: [String: Double] = [
                "connections": Double(database.backends),
                "pool_percent": Self.rounded(Double(database.backends) / maxConnections * 100, step: 0.01),
                "active": Double(database.active),
                "idle_in_transaction": Double(database.idleInTransaction),
                "slowest_query_seconds": Self.rounded(database.slowestQuerySeconds ?? 0, step: 0.1),
            ]
            if let size = database.sizeBytes { metrics["size_bytes"] = Double(size) }
            if let ratio = Self.cacheHitRatio(hit: database.blocksHit, read: database.blocksRead) {
                metrics["cache_hit_ratio"] = ratio
            }
            // A counter that went down was reset (pg_stat_reset): no rate from that pair.
            if let before = previousDatabases[database.name], elapsed > 0, database.transactions >= before.transactions
            {
                let tps = Double(database.transactions - before.transactions) / elapsed
                metrics["tps"] = Self.rounded(tps, step: 0.01)
                totalTPS? += tps
            } else {
                totalTPS = nil
            }
            let slowest = database.slowestQuerySeconds ?? 0
            slowestOverall = max(slowestOverall, slowest)
            let longQuery = slowest > longQuerySeconds
            var annotations: [String: String] = [:]
            if let text = sample.queryTexts[database.name] { annotations["postgres.slowest_query"] = text }
            picture.entities.append(
                Entity(
                    id: id, kind: .database, name: database.name, source: source, status: .running,
                    labels: ["postgres.role": "database", "postgres.server": server], annotations: annotations,
                    health: longQuery ? Self.warningHealth : 1, customMetrics: metrics, createdAt: createdAt(id)
                ))
            picture.connections.append(Connection(sourceID: serverID, targetID: id, kind: .owns))
            picture.conditions.append(
                longQueryCondition(
                    entityID: id, name: database.name, where: "\(database.name) on \(server)", seconds: slowest
                ))
        }

        let pool = Double(sample.clientBackends) / maxConnections
        let poolLevel = pool > poolCritical ? 2 : pool > poolWarning ? 1 : 0
        var metrics: [String: Double] = [
            "connections": Double(sample.clientBackends),
            "max_connections": Double(sample.maxConnections),
            "reserved_connections": Double(sample.reservedConnections),
            "pool_percent": Self.rounded(pool * 100, step: 0.01),
            "active": Double(sample.databases.reduce(0) { $0 + $1.active }),
            "idle_in_transaction": Double(sample.databases.reduce(0) { $0 + $1.idleInTransaction }),
            "databases": Double(sample.databases.count),
            "slowest_query_seconds": Self.rounded(slowestOverall, step: 0.1),
        ]
        let sizes = sample.databases.compactMap(\.sizeBytes)
        if !sizes.isEmpty { metrics["size_bytes"] = Double(sizes.reduce(0, +)) }
        if let totalTPS { metrics["tps"] = Self.rounded(totalTPS, step: 0.01) }
        let hit = sample.databases.reduce(0) { $0 + $1.blocksHit },
            read = sample.databases.reduce(0) { $0 + $1.blocksRead }
        if let ratio = Self.cacheHitRatio(hit: hit, read: read) { metrics["cache_hit_ratio"] = ratio }
        if sample.replicas > 0 {
            metrics["replicas"] = Double(sample.replicas)
            // replay_lag is NULL once a replica has caught up and nothing is written.
            metrics["replication_lag_seconds"] = Self.rounded(sample.replicationLagSeconds ?? 0, step: 0.001)
            if let bytes = sample.replicationLagBytes { metrics["replication_lag_bytes"] = bytes }
        }
        var labels = ["postgres.role": "server", "postgres.server": server, "postgres.version": sample.version]
        if sample.inRecovery {
            labels["postgres.standby"] = "true"
            if let delay = sample.replayDelaySeconds {
                metrics["replication_lag_seconds"] = Self.rounded(max(delay, 0), step: 0.001)
            }
            if let bytes = sample.replayLagBytes { metrics["replication_lag_bytes"] = bytes }
            if let upstream = sample.upstream {
                labels["postgres.upstream"] = upstream
                // The replica depends on its primary; kept only when the primary is a collected server (PostgresCollector.absorb).
                picture.connections.append(
                    Connection(sourceID: serverID, targetID: self.serverID(upstream), kind: .depends))
            }
        }
        let poolHealth = [1, Self.warningHealth, Self.criticalHealth][poolLevel]
        let health = min(poolHealth, slowestOverall > longQuerySeconds ? Self.warningHealth : 1)
        picture.entities.insert(
            Entity(
                id: serverID, kind: .database, name: server, source: source, status: .running, labels: labels,
                health: health, customMetrics: metrics, createdAt: createdAt(serverID)
            ), at: 0)
        picture.conditions.append(reachableCondition(entityID: serverID, server: server, error: nil))
        picture.conditions.append(
            poolCondition(
                entityID: serverID, server: server, level: poolLevel, used: sample.clientBackends,
                max: sample.maxConnections
            ))

        var clientEdges: Set<Connection> = []
        for entry in sample.clients {
            guard let target = databaseIDs[entry.database], let clientID = client(entry), clientID != target else {
                continue
            }
            clientEdges.insert(Connection(sourceID: clientID, targetID: target, kind: .depends))
        }
        picture.connections += clientEdges.sorted { $0.id < $1.id }
        return picture
    }

    /// The picture of a server that did not answer: the server entity failed,
    /// with the error as an annotation; its databases and their edges as last
    /// seen, but of unknown state, so the map keeps its shape while it is down.
    package func unreachablePicture(
        server: String, error: PostgresSourceError, last: ServerPicture?, createdAt: (String) -> Timestamp
    ) -> ServerPicture {
        let serverID = serverID(server)
        var picture = last ?? ServerPicture()
        picture.conditions = [reachableCondition(entityID: serverID, server: server, error: error)]
        picture.entities = picture.entities.filter { $0.id != serverID }.map { entity in
            var entity = entity
            entity.status = .unknown
            entity.health = 0.5
            return entity
        }
        var serverEntity =
            last?.entities.first { $0.id == serverID }
            ?? Entity(
                id: serverID, kind: .database, name: server, source: source,
                labels: ["postgres.role": "server", "postgres.server": server], createdAt: createdAt(serverID)
            )
        serverEntity.status = .failed
        serverEntity.health = 0
        serverEntity.annotations["postgres.error"] = error.description
        picture.entities.insert(serverEntity, at: 0)
        return picture
    }

    private func reachableCondition(entityID: String, server: String, error: PostgresSourceError?) -> Condition {
        let event = InfraEvent(
            type: error == nil ? "Normal" : "Warning", reason: error == nil ? "ServerReachable" : "ServerUnreachable",
            message: error?.description ?? "\(server) answers again", entityID: entityID, entityKind: .database,
            entityName: server, severity: error == nil ? .info : .error
        )
        return Condition(entityID: entityID, aspect: "reachable", level: error == nil ? 0 : 1, event: event)
    }

    private func poolCondition(entityID: String, server: String, level: Int, used: Int64, max: Int64) -> Condition {
        let percent = Int((Double(used) / Double(Swift.max(max, 1)) * 100).rounded())
        let figures = "\(used) of \(max) connections in use (\(percent)%)"
        let (type, reason, severity, message): (String, String, Severity, String) =
            switch level {
            case 0: ("Normal", "ConnectionPoolNormal", .info, "\(server): \(figures)")
            case 1:
                ("Warning", "ConnectionPoolHigh", .warning, "\(server): \(figures), over \(Self.percent(poolWarning))")
            default:
                (
                    "Warning", "ConnectionPoolCritical", .critical,
                    "\(server): \(figures), over \(Self.percent(poolCritical))"
                )
            }
        let event = InfraEvent(
            type: type, reason: reason, message: message, entityID: entityID, entityKind: .database,
            entityName: server, severity: severity
        )
        return Condition(entityID: entityID, aspect: "pool", level: level, event: event)
    }

    private func longQueryCondition(entityID: String, name: String, where place: String, seconds: Double) -> Condition {
        let long = seconds > longQuerySeconds
        let event = InfraEvent(
            type: long ? "Warning" : "Normal", reason: long ? "LongRunningQuery" : "LongRunningQueryEnded",
            message: long
                ? "a query on \(place) has been running for \(Int(seconds)) s (over \(Int(longQuerySeconds)) s)"
                : "no query on \(place) runs longer than \(Int(longQuerySeconds)) s",
            entityID: entityID, entityKind: .database, entityName: name, severity: long ? .warning : .info
        )
        return Condition(entityID: entityID, aspect: "long_query", level: long ? 1 : 0, event: event)
    }

    /// `blks_hit / (blks_hit + blks_read)` since the statistics were reset; nil before any block was read.
    package static func cacheHitRatio(hit: Int64, read: Int64) -> Double? {
        let total = hit + read
        guard total > 0 else { return nil }
        return rounded(Double(hit) / Double(total), step: 0.0001)
    }

    /// Metrics are rounded so a poll that only moved them in the noise changes nothing.
    static func rounded(_ value: Double, step: Double) -> Double {
        let scale = (1 / step).rounded()
        return (value * scale).rounded() / scale
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }
}
