package import GestaltModel

/// Figures an enricher (Prometheus) lays over what an entity's own source
/// reports. A nil field leaves the source's value alone; custom metrics are
/// merged over the source's, key by key.
///
/// The store keeps the overlay until it is replaced or cleared and applies it
/// to every upsert of the entity, so the owning source's next picture neither
/// overwrites the enrichment nor makes it flicker.
package struct EnrichedMetrics: Sendable, Hashable {
    package var cpuPercent: Double?
    package var memoryBytes: Int64?
    package var memoryLimit: Int64?
    package var customMetrics: [String: Double]

    package init(
        cpuPercent: Double? = nil, memoryBytes: Int64? = nil, memoryLimit: Int64? = nil,
        customMetrics: [String: Double] = [:]
    ) {
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.memoryLimit = memoryLimit
        self.customMetrics = customMetrics
    }

    package var isEmpty: Bool { cpuPercent == nil && memoryBytes == nil && memoryLimit == nil && customMetrics.isEmpty }

    /// `entity` as its source sent it, with these figures on top.
    package func applied(to entity: Entity) -> Entity {
        var result = entity
        if let cpuPercent { result.cpuPercent = cpuPercent }
        if let memoryBytes { result.memoryBytes = memoryBytes }
        if let memoryLimit { result.memoryLimit = memoryLimit }
        result.customMetrics.merge(customMetrics) { _, enriched in enriched }
        return result
    }
}

/// Traffic figures laid over a connection; a nil field leaves the source's value.
package struct EnrichedTraffic: Sendable, Hashable {
    package var requestsPerSec: Double?
    package var bytesPerSec: Double?
    /// Failed requests over all requests, 0…1.
    package var errorRate: Double?
    package var latencyMs: Double?

    package init(
        requestsPerSec: Double? = nil, bytesPerSec: Double? = nil, errorRate: Double? = nil, latencyMs: Double? = nil
    ) {
        self.requestsPerSec = requestsPerSec
        self.bytesPerSec = bytesPerSec
        self.errorRate = errorRate
        self.latencyMs = latencyMs
    }

    package var isEmpty: Bool { requestsPerSec == nil && bytesPerSec == nil && errorRate == nil && latencyMs == nil }

    package func applied(to connection: Connection) -> Connection {
        var result = connection
        if let requestsPerSec { result.requestsPerSec = requestsPerSec }
        if let bytesPerSec { result.bytesPerSec = bytesPerSec }
        if let errorRate { result.errorRate = errorRate }
        if let latencyMs { result.latencyMs = latencyMs }
        return result
    }
}

/// One overlay to set (or, with nil, to clear) for an entity or a connection.
package enum Enrichment: Sendable, Hashable {
    case entity(id: String, EnrichedMetrics?)
    case connection(id: String, EnrichedTraffic?)

    package var id: String {
        switch self {
        case .entity(let id, _), .connection(let id, _): id
        }
    }
}

/// What `TopologyStore.enrich` did: the updates it published, and the
/// overlays it refused because their entity or connection is not stored.
package struct EnrichResult: Sendable {
    package var updates: [LoggedUpdate] = []
    package var missing: [Enrichment] = []
}
