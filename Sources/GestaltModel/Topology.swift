/// The whole map at one revision.
package struct Topology: Sendable, Hashable {
    package var revision: UInt64
    package var timestamp: Timestamp
    package var entities: [Entity]
    package var connections: [Connection]
    package var summary: TopologySummary

    package init(
        revision: UInt64, timestamp: Timestamp, entities: [Entity], connections: [Connection], summary: TopologySummary
    ) {
        self.revision = revision
        self.timestamp = timestamp
        self.entities = entities
        self.connections = connections
        self.summary = summary
    }
}

/// Entity count per health band.
package struct TopologySummary: Sendable, Hashable, Codable {
    package var totalEntities: Int
    package var healthyCount: Int
    package var warningCount: Int
    package var criticalCount: Int

    package init(totalEntities: Int = 0, healthyCount: Int = 0, warningCount: Int = 0, criticalCount: Int = 0) {
        self.totalEntities = totalEntities
        self.healthyCount = healthyCount
        self.warningCount = warningCount
        self.criticalCount = criticalCount
    }

    package init(healths: some Sequence<Double>, policy: HealthPolicy = .default) {
        self.init()
        for health in healths { add(health, policy: policy) }
    }

    package mutating func add(_ health: Double, policy: HealthPolicy = .default, count: Int = 1) {
        totalEntities += count
        switch policy.band(of: health) {
        case .healthy: healthyCount += count
        case .warning: warningCount += count
        case .critical: criticalCount += count
        }
    }

    enum CodingKeys: String, CodingKey {
        case totalEntities = "total_entities"
        case healthyCount = "healthy_count"
        case warningCount = "warning_count"
        case criticalCount = "critical_count"
    }
}

extension TopologySummary: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("total_entities"); w.number(totalEntities)
        w.key("healthy_count"); w.number(healthyCount)
        w.key("warning_count"); w.number(warningCount)
        w.key("critical_count"); w.number(criticalCount)
        w.endObject()
    }
}

extension Topology: JSONWritable {
    package func write(to w: inout JSONWriter) {
        Topology.write(
            revision: revision, timestamp: timestamp, summary: summary, to: &w,
            entities: { w in for entity in entities { entity.write(to: &w) } },
            connections: { w in for connection in connections { connection.write(to: &w) } }
        )
    }

    /// The one layout of a Topology object; the store calls it with cached entity bytes.
    package static func write(
        revision: UInt64, timestamp: Timestamp, summary: TopologySummary, to w: inout JSONWriter,
        entities: (inout JSONWriter) -> Void, connections: (inout JSONWriter) -> Void
    ) {
        w.beginObject()
        w.key("revision"); w.number(revision)
        w.key("timestamp"); w.timestamp(timestamp)
        w.key("entities"); w.beginArray(); entities(&w); w.endArray()
        w.key("connections"); w.beginArray(); connections(&w); w.endArray()
        w.key("summary"); summary.write(to: &w)
        w.endObject()
    }
}

extension Topology: Decodable {
    enum CodingKeys: String, CodingKey { case revision, timestamp, entities, connections, summary }
}
