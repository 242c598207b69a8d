import GestaltEngine
package import GestaltModel

/// One PromQL instant query run each cycle, and where its values go. It is
/// one request for every entity of its kind: Prometheus aggregates, we never
/// ask per entity.
package struct EnrichmentQuery: Sendable, Hashable {
    /// What a series of the result enriches.
    package enum Target: Sendable, Hashable {
        /// The entity of this kind whose id the template renders.
        case entity(EntityKind, id: IDTemplate)
        /// The connection between the two rendered entities, of the first of
        /// `kinds` that exists (an `http` edge, else a `grpc` one).
        case connection(source: IDTemplate, target: IDTemplate, kinds: [ConnectionKind])
    }

    /// Names the query in the status details and logs: `pod_cpu_percent`.
    package var name: String
    package var target: Target
    package var field: EnrichedField
    /// An expression returning an instant vector, one series per target.
    package var promQL: String

    package init(name: String, target: Target, field: EnrichedField, promQL: String) {
        self.name = name
        self.target = target
        self.field = field
        self.promQL = promQL
    }
}

/// Which figure a query fills, in the unit the field promises.
package enum EnrichedField: Sendable, Hashable {
    /// Percent of one core (rate of CPU seconds per second × 100).
    case cpuPercent
    /// Bytes.
    case memoryBytes
    /// Bytes.
    case memoryLimit
    /// Requests per second; on an entity, custom metric `requests_per_second`.
    case requestsPerSecond
    /// Bytes per second; on an entity, custom metric `bytes_per_second`.
    case bytesPerSecond
    /// Failed over all requests, 0…1; on an entity, custom metric `error_rate`
    /// (which the health score reads).
    case errorRate
    /// Milliseconds; on an entity, custom metric `latency_ms`.
    case latencyMilliseconds
    /// An entity's custom metric under this key (name the unit in it).
    case custom(String)

    /// Whether a connection has this figure (connections carry traffic only).
    var appliesToConnections: Bool {
        switch self {
        case .requestsPerSecond, .bytesPerSecond, .errorRate, .latencyMilliseconds: true
        case .cpuPercent, .memoryBytes, .memoryLimit, .custom: false
        }
    }

    func set(_ value: Double, on metrics: inout EnrichedMetrics) {
        switch self {
        case .cpuPercent: metrics.cpuPercent = value
        case .memoryBytes: metrics.memoryBytes = Int64(exactly: value.rounded()) ?? 0
        case .memoryLimit: metrics.memoryLimit = Int64(exactly: value.rounded()) ?? 0
        case .requestsPerSecond: metrics.customMetrics["requests_per_second"] = value
        case .bytesPerSecond: metrics.customMetrics["bytes_per_second"] = value
        case .errorRate: metrics.customMetrics["error_rate"] = value
        case .latencyMilliseconds: metrics.customMetrics["latency_ms"] = value
        case .custom(let key): metrics.customMetrics[key] = value
        }
    }

    func set(_ value: Double, on traffic: inout EnrichedTraffic) {
        switch self {
        case .requestsPerSecond: traffic.requestsPerSec = value
        case .bytesPerSecond: traffic.bytesPerSec = value
        case .errorRate: traffic.errorRate = value
        case .latencyMilliseconds: traffic.latencyMs = value
        case .cpuPercent, .memoryBytes, .memoryLimit, .custom: break
        }
    }
}
