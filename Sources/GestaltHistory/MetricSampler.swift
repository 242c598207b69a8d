import GestaltModel

/// Turns entity states into metric samples, at most one per entity per
/// interval: a pod updated 50 times a second costs one row per metric per
/// second, and memory is one timestamp per live entity.
struct MetricSampler {
    let intervalMilliseconds: Int64
    private var lastSampled: [String: Int64] = [:]

    init(intervalMilliseconds: Int64) {
        self.intervalMilliseconds = intervalMilliseconds
    }

    mutating func sample(_ entity: Entity, at time: Timestamp, into samples: inout [HistoryBatch.Sample]) {
        let at = time.millisecondsSince1970
        if let last = lastSampled[entity.id], at - last < intervalMilliseconds { return }
        lastSampled[entity.id] = at
        samples.append(HistoryBatch.Sample(entityID: entity.id, name: "cpu_percent", at: at, value: entity.cpuPercent))
        samples.append(HistoryBatch.Sample(entityID: entity.id, name: "memory_bytes", at: at, value: Double(entity.memoryBytes)))
        for (name, value) in entity.customMetrics where value.isFinite {
            samples.append(HistoryBatch.Sample(entityID: entity.id, name: name, at: at, value: value))
        }
    }

    mutating func forget(_ entityID: String) { lastSampled.removeValue(forKey: entityID) }
}
