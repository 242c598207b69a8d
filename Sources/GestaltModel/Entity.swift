/// One thing in the running infrastructure: a pod, a node, a NATS subject…
///
/// Field names and JSON keys follow PROTOCOL.md exactly.
package struct Entity: Sendable, Hashable {
    package var id: String
    package var kind: EntityKind
    package var name: String
    package var namespace: String?
    package var source: String
    package var status: EntityStatus
    package var labels: [String: String]
    package var annotations: [String: String]
    package var health: Double
    package var cpuPercent: Double
    package var memoryBytes: Int64
    package var memoryLimit: Int64
    package var networkRxBytes: Int64
    package var networkTxBytes: Int64
    package var customMetrics: [String: Double]
    package var x: Double
    package var y: Double
    package var z: Double
    package var createdAt: Timestamp
    package var updatedAt: Timestamp
    /// The owning source is down: this is the last picture it gave, kept on
    /// the map (drawn greyed) rather than deleted or shown as current. Sent
    /// as `"stale": true` only while set.
    package var stale: Bool

    package init(
        id: String, kind: EntityKind, name: String, namespace: String? = nil, source: String,
        status: EntityStatus = .running, labels: [String: String] = [:], annotations: [String: String] = [:],
        health: Double = 1, cpuPercent: Double = 0, memoryBytes: Int64 = 0, memoryLimit: Int64 = 0,
        networkRxBytes: Int64 = 0, networkTxBytes: Int64 = 0, customMetrics: [String: Double] = [:],
        x: Double = 0, y: Double = 0, z: Double = 0,
        createdAt: Timestamp = .now(), updatedAt: Timestamp? = nil, stale: Bool = false
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.source = source
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.health = health
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.memoryLimit = memoryLimit
        self.networkRxBytes = networkRxBytes
        self.networkTxBytes = networkTxBytes
        self.customMetrics = customMetrics
        self.x = x
        self.y = y
        self.z = z
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.stale = stale
    }

    /// The PROTOCOL.md id for a Kubernetes object; cluster-scoped when `namespace` is nil.
    package static func kubernetesID(
        kind: EntityKind, namespace: String?, name: String, cluster: String? = nil
    ) -> String {
        let prefix = cluster.map { "k8s@\($0)" } ?? "k8s"
        if let namespace { return "\(prefix):\(kind.rawValue)/\(namespace)/\(name)" }
        return "\(prefix):\(kind.rawValue)/\(name)"
    }
}

extension Entity: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("kind"); w.string(kind.rawValue)
        w.key("name"); w.string(name)
        w.key("namespace"); if let namespace { w.string(namespace) } else { w.null() }
        w.key("source"); w.string(source)
        w.key("status"); w.string(status.rawValue)
        w.key("labels"); w.stringMap(labels)
        w.key("annotations"); w.stringMap(annotations)
        w.key("health"); w.number(health)
        w.key("cpu_percent"); w.number(cpuPercent)
        w.key("memory_bytes"); w.number(memoryBytes)
        w.key("memory_limit"); w.number(memoryLimit)
        w.key("network_rx_bytes"); w.number(networkRxBytes)
        w.key("network_tx_bytes"); w.number(networkTxBytes)
        w.key("custom_metrics"); w.numberMap(customMetrics)
        w.key("x"); w.number(x)
        w.key("y"); w.number(y)
        w.key("z"); w.number(z)
        w.key("created_at"); w.timestamp(createdAt)
        w.key("updated_at"); w.timestamp(updatedAt)
        if stale { w.key("stale"); w.bool(true) }
        w.endObject()
    }
}

extension Entity: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, kind, name, namespace, source, status, labels, annotations, health
        case cpuPercent = "cpu_percent"
        case memoryBytes = "memory_bytes"
        case memoryLimit = "memory_limit"
        case networkRxBytes = "network_rx_bytes"
        case networkTxBytes = "network_tx_bytes"
        case customMetrics = "custom_metrics"
        case x, y, z
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case stale
    }

    /// Reads an entity as clients see it; absent optional fields take their defaults.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let created = try c.decodeIfPresent(Timestamp.self, forKey: .createdAt) ?? .now()
        self.init(
            id: try c.decode(String.self, forKey: .id),
            kind: try c.decode(EntityKind.self, forKey: .kind),
            name: try c.decode(String.self, forKey: .name),
            namespace: try c.decodeIfPresent(String.self, forKey: .namespace),
            source: try c.decodeIfPresent(String.self, forKey: .source) ?? "",
            status: try c.decodeIfPresent(EntityStatus.self, forKey: .status) ?? .unknown,
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            annotations: try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:],
            health: try c.decodeIfPresent(Double.self, forKey: .health) ?? 1,
            cpuPercent: try c.decodeIfPresent(Double.self, forKey: .cpuPercent) ?? 0,
            memoryBytes: try c.decodeIfPresent(Int64.self, forKey: .memoryBytes) ?? 0,
            memoryLimit: try c.decodeIfPresent(Int64.self, forKey: .memoryLimit) ?? 0,
            networkRxBytes: try c.decodeIfPresent(Int64.self, forKey: .networkRxBytes) ?? 0,
            networkTxBytes: try c.decodeIfPresent(Int64.self, forKey: .networkTxBytes) ?? 0,
            customMetrics: try c.decodeIfPresent([String: Double].self, forKey: .customMetrics) ?? [:],
            x: try c.decodeIfPresent(Double.self, forKey: .x) ?? 0,
            y: try c.decodeIfPresent(Double.self, forKey: .y) ?? 0,
            z: try c.decodeIfPresent(Double.self, forKey: .z) ?? 0,
            createdAt: created,
            updatedAt: try c.decodeIfPresent(Timestamp.self, forKey: .updatedAt) ?? created,
            stale: try c.decodeIfPresent(Bool.self, forKey: .stale) ?? false
        )
    }
}
