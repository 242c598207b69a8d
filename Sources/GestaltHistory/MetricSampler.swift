import GestaltModel

/// Turns entity and connection states into metric samples, at most one per
/// item per interval: a pod updated 50 times a second costs one row per
/// metric per second, and memory is one timestamp per live item.
struct MetricSampler {
    let intervalMilliseconds: Int64
    private var lastSampled: [String: Int64] = [:]

    init(intervalMilliseconds: Int64) {
        self.intervalMilliseconds = intervalMilliseconds
    }

    mutating func sample(_ entity: Entity, at time: Timestamp, into samples: inout [HistoryBatch.Sample]) {
        guard let at = due(entity.id, at: time) else { return }
        samples.append(HistoryBatch.Sample(entityID: entity.id, name: "cpu_percent", at: at, value: entity.cpuPercent))
        samples.append(
            HistoryBatch.Sample(entityID: entity.id, name: "memory_bytes", at: at, value: Double(entity.memoryBytes)))
        for (name, value) in entity.customMetrics where value.isFinite {
            samples.append(HistoryBatch.Sample(entityID: entity.id, name: name, at: at, value: value))
        }
    }

    /// A connection's traffic, under its connection id and the wire names
    /// of its fields, so `/api/infra/metrics/{id}` answers for an edge too.
    mutating func sample(_ connection: Connection, at time: Timestamp, into samples: inout [HistoryBatch.Sample]) {
        guard let at = due(connection.id, at: time) else { return }
        let fields: [(String, Double)] = [
            ("requests_per_sec", connection.requestsPerSec), ("latency_ms", connection.latencyMs),
            ("error_rate", connection.errorRate), ("bytes_per_sec", connection.bytesPerSec),
        ]
        for (name, value) in fields where value.isFinite {
            samples.append(HistoryBatch.Sample(entityID: connection.id, name: name, at: at, value: value))
        }
    }

    mutating func forget(_ id: String) { lastSampled.removeValue(forKey: id) }

    /// The sample time when `id` is due one at `time`, recording it as sampled.
    private mutating func due(_ id: String, at time: Timestamp) -> Int64? {
        let at = time.millisecondsSince1970
        if let last = lastSampled[id], at - last < intervalMilliseconds { return nil }
        lastSampled[id] = at
        return at
    }
}
