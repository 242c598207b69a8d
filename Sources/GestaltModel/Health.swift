/// Health bands of PROTOCOL.md.
package enum HealthBand: String, Sendable, Hashable, CaseIterable, Codable {
    case healthy, warning, critical
}

/// Every health threshold and weight, in one place (the plan's scoring algorithm).
package struct HealthPolicy: Sendable, Hashable {
    /// Health at or above this is healthy.
    package var healthyAtLeast: Double = 0.8
    /// Health at or above this (and below healthy) is warning; below is critical.
    package var warningAtLeast: Double = 0.5
    /// Weight of memory use (memory_bytes / memory_limit) in its penalty.
    package var memoryPenalty: Double = 0.5
    /// Weight of CPU use (cpu_percent / 100) in its penalty.
    package var cpuPenalty: Double = 0.3
    package var statusScores: [EntityStatus: Double] = [
        .running: 1.0, .pending: 0.6, .terminating: 0.3, .failed: 0.0, .unknown: 0.5, .processing: 0.9,
    ]

    /// The plan's `health` thresholds, as fractions of the limit (CPU as
    /// cpu_percent / 100). Use at or over a warning threshold caps health
    /// just below healthy, at or over a critical one just below warning.
    /// Nil (no configuration file): only the weights above apply.
    package var thresholds: UsageThresholds?

    package init() {}

    package static let `default` = HealthPolicy()

    package func band(of health: Double) -> HealthBand {
        if health >= healthyAtLeast { return .healthy }
        if health >= warningAtLeast { return .warning }
        return .critical
    }

    /// Mean of the status score and each penalty that applies, in 0...1.
    package func score(_ entity: Entity) -> Double {
        var total = statusScores[entity.status] ?? 0.5
        var count = 1.0
        if entity.memoryLimit > 0 {
            let use = Double(entity.memoryBytes) / Double(entity.memoryLimit)
            total += 1 - min(max(use, 0), 1) * memoryPenalty
            count += 1
        }
        if entity.cpuPercent > 0 {
            total += 1 - min(entity.cpuPercent / 100, 1) * cpuPenalty
            count += 1
        }
        if let errorRate = entity.customMetrics["error_rate"] {
            total += 1 - min(max(errorRate, 0), 1)
            count += 1
        }
        let score = min(max(total / count, 0), 1)
        guard let thresholds else { return score }
        let cpu = entity.cpuPercent / 100
        let memory = entity.memoryLimit > 0 ? Double(entity.memoryBytes) / Double(entity.memoryLimit) : 0
        if cpu >= thresholds.cpuCritical || memory >= thresholds.memoryCritical {
            return min(score, warningAtLeast - 0.01)
        }
        if cpu >= thresholds.cpuWarning || memory >= thresholds.memoryWarning {
            return min(score, healthyAtLeast - 0.01)
        }
        return score
    }
}

/// Warning and critical use levels (the plan's `health` section), as fractions.
package struct UsageThresholds: Sendable, Hashable {
    package var cpuWarning: Double
    package var cpuCritical: Double
    package var memoryWarning: Double
    package var memoryCritical: Double

    package init(cpuWarning: Double, cpuCritical: Double, memoryWarning: Double, memoryCritical: Double) {
        self.cpuWarning = cpuWarning
        self.cpuCritical = cpuCritical
        self.memoryWarning = memoryWarning
        self.memoryCritical = memoryCritical
    }
}

/// Topology-wide health: overall mean, band counts, and per-kind count and mean.
package struct HealthReport: Sendable, Hashable {
    package struct KindHealth: Sendable, Hashable {
        package var count: Int
        package var health: Double
        package init(count: Int, health: Double) { self.count = count; self.health = health }
    }

    package var overall: Double
    package var summary: TopologySummary
    package var byKind: [EntityKind: KindHealth]
    /// `visualization.max_entities`, when the configuration sets one. Past it
    /// nothing is dropped: the report says so (`over_max_entities`).
    package var maxEntities: Int?

    package init(overall: Double, summary: TopologySummary, byKind: [EntityKind: KindHealth], maxEntities: Int? = nil) {
        self.overall = overall
        self.summary = summary
        self.byKind = byKind
        self.maxEntities = maxEntities
    }

    package var isOverMaxEntities: Bool { maxEntities.map { summary.totalEntities > $0 } ?? false }
}

extension HealthReport: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("overall"); w.number((overall * 10_000).rounded() / 10_000)
        w.key("total_entities"); w.number(summary.totalEntities)
        w.key("healthy_count"); w.number(summary.healthyCount)
        w.key("warning_count"); w.number(summary.warningCount)
        w.key("critical_count"); w.number(summary.criticalCount)
        w.key("by_kind"); w.beginObject()
        for kind in EntityKind.allCases {
            guard let entry = byKind[kind] else { continue }
            w.key(kind.rawValue); w.beginObject()
            w.key("count"); w.number(entry.count)
            w.key("health"); w.number((entry.health * 10_000).rounded() / 10_000)
            w.endObject()
        }
        w.endObject()
        if let maxEntities {
            w.key("max_entities"); w.number(maxEntities)
            w.key("over_max_entities"); w.bool(isOverMaxEntities)
        }
        w.endObject()
    }
}
