import Foundation
import GestaltModel

/// Metrics wander: each drift is one step of a mean-reverting random walk
/// on one entity or connection. Small steps stay below the store's
/// thresholds and are not emitted; the larger ones cross and flow.
extension SimulatedCluster {
    func driftRandomEntity() {
        let roll = rng.unit()
        if roll < 0.65, let podID = podPool.random(using: &rng) {
            driftPod(podID)
        } else if roll < 0.8, !nodes.isEmpty {
            driftNode(rng.below(nodes.count))
        } else if !metricEntities.isEmpty {
            driftMetrics(of: metricEntities[rng.below(metricEntities.count)])
        }
    }

    func driftRandomConnection() {
        guard let id = mirror.traffic.random(using: &rng), let connection = mirror.connections[id] else { return }
        let base = mirror.trafficBaselines[id] ?? (connection.requestsPerSec, connection.latencyMs)
        let spike = rng.chance(0.02)
        let rps = revert(connection.requestsPerSec, toward: base.requestsPerSec, noise: 0.15)
        let latency =
            spike
            ? base.latencyMs * rng.double(3...8) : revert(connection.latencyMs, toward: base.latencyMs, noise: 0.1)
        let errors =
            spike ? rng.double(0.02...0.15) : quantize(connection.errorRate * 0.5 + abs(rng.normal()) * 0.002, 0.001)
        let bytesPerRequest =
            connection.requestsPerSec > 0 ? connection.bytesPerSec / connection.requestsPerSec : rng.double(500...4_000)
        mirror.updateConnection(id) {
            $0.requestsPerSec = rps
            $0.bytesPerSec = rps * bytesPerRequest
            $0.latencyMs = latency
            $0.errorRate = errors
        }
    }

    private func driftPod(_ id: String) {
        guard let record = pods[id], let pod = mirror[id], pod.status == .running,
            let mainID = record.containerIDs.first, let main = mirror[mainID], main.memoryLimit > 0
        else { return }
        let base = baseline(record)
        var cpu = clamp(main.cpuPercent + 0.25 * (base.cpu - main.cpuPercent) + rng.normal() * 6, 0.5, 99)
        let limit = Double(main.memoryLimit)
        var memory = Double(main.memoryBytes) / limit
        memory += 0.2 * (base.memory - memory) + rng.normal() * 0.03
        // Now and then a leak runs the container into its limit.
        if rng.chance(0.01) { memory = rng.double(0.93...0.99) }
        var restarts = main.customMetrics["restarts"] ?? 0
        if memory > 0.92 {
            restarts += 1
            event(
                .oomKilling, "Memory cgroup out of memory: Killed process \(rng.int(1_000...60_000)) (\(main.name))",
                about: id, kind: .pod, name: record.name)
            memory = base.memory
            cpu = base.cpu
        }
        let memoryBytes = Int64(limit * clamp(memory, 0.03, 0.99))
        var errorRate = pod.customMetrics["error_rate"]
        if record.serving {
            if rng.chance(0.03) {
                errorRate = quantize(rng.double(0.08...0.3), 0.005)
                event(
                    .unhealthy, "Readiness probe failed: HTTP probe failed with statuscode: 503", about: id, kind: .pod,
                    name: record.name)
            } else {
                errorRate = quantize((errorRate ?? 0) * 0.5 + abs(rng.normal()) * 0.004, 0.005)
            }
        }
        mirror.update(mainID, now: now) {
            $0.cpuPercent = cpu
            $0.memoryBytes = memoryBytes
            $0.customMetrics["restarts"] = restarts
        }
        let sidecarMemory = record.containerIDs.dropFirst().reduce(Int64(0)) { $0 + (mirror[$1]?.memoryBytes ?? 0) }
        let received = Int64(rng.int(10_000...2_000_000))
        let sent = Int64(rng.int(10_000...2_000_000))
        mirror.update(
            id, now: now,
            {
                $0.cpuPercent = cpu
                $0.memoryBytes = memoryBytes + sidecarMemory
                $0.customMetrics["restarts"] = restarts
                if let errorRate { $0.customMetrics["error_rate"] = errorRate }
            },
            whenEmitted: {
                $0.networkRxBytes += received
                $0.networkTxBytes += sent
            })
    }

    private func driftNode(_ index: Int) {
        let node = nodes[index]
        guard node.ready, let entity = mirror[node.id], entity.memoryLimit > 0 else { return }
        let baseCPU = 20 + 45 * StableHash.unit(node.id)
        let baseMemory = 0.4 + 0.35 * StableHash.unit(node.id, salt: 1)
        let cpu = clamp(entity.cpuPercent + 0.2 * (baseCPU - entity.cpuPercent) + rng.normal() * 5, 1, 99)
        var memory = Double(entity.memoryBytes) / Double(entity.memoryLimit)
        memory = clamp(memory + 0.2 * (baseMemory - memory) + rng.normal() * 0.02, 0.05, 0.97)
        let memoryBytes = Int64(memory * Double(entity.memoryLimit))
        let received = Int64(rng.int(1_000_000...50_000_000))
        let sent = Int64(rng.int(1_000_000...50_000_000))
        mirror.update(
            node.id, now: now,
            {
                $0.cpuPercent = cpu
                $0.memoryBytes = memoryBytes
            },
            whenEmitted: {
                $0.networkRxBytes += received
                $0.networkTxBytes += sent
            })
    }

    private func driftMetrics(of id: String) {
        guard let entity = mirror[id] else { return }
        var metrics = entity.customMetrics
        var memory = entity.memoryBytes
        switch entity.kind {
        case .natsSubject:
            let base = 5 + 150 * StableHash.unit(id)
            metrics["msgs_per_sec"] = revert(metrics["msgs_per_sec"] ?? base, toward: base, noise: 0.2).rounded()
            var pending = (metrics["pending"] ?? 0) * 0.4
            if rng.chance(0.04) {
                pending = Double(rng.int(2_000...40_000))
                event(
                    .slowConsumer, "Consumer on \(entity.name) is falling behind: \(Int(pending)) messages pending",
                    about: id, kind: .natsSubject, name: entity.name)
            }
            metrics["pending"] = pending.rounded()
        case .natsStream:
            let base = 10 + 200 * StableHash.unit(id)
            let rate = revert(metrics["msgs_per_sec"] ?? base, toward: base, noise: 0.2).rounded()
            let added = Double(rng.int(100...5_000))
            metrics["msgs_per_sec"] = rate
            metrics["messages"] = (metrics["messages"] ?? 0) + added
            metrics["bytes"] = (metrics["bytes"] ?? 0) + added * 512
        case .database:
            let base = 10 + 60 * StableHash.unit(id)
            metrics["connections"] = clamp(
                revert(metrics["connections"] ?? base, toward: base, noise: 0.15).rounded(), 1, 200)
            metrics["qps"] = revert(metrics["qps"] ?? base * 8, toward: base * 8, noise: 0.2).rounded()
            metrics["replication_lag_ms"] = rng.chance(0.05) ? Double(rng.int(500...5_000)) : Double(rng.int(0...40))
            metrics["storage_bytes"] = (metrics["storage_bytes"] ?? 0) + Double(rng.int(0...8_000_000))
            if entity.memoryLimit > 0 {
                let fraction = clamp(Double(memory) / Double(entity.memoryLimit) + rng.normal() * 0.03, 0.3, 0.9)
                memory = Int64(fraction * Double(entity.memoryLimit))
            }
        case .volume:
            let capacity = metrics["capacity_bytes"] ?? 10_737_418_240
            var used = (metrics["used_bytes"] ?? 0) + Double(rng.int(0...64)) * 1_048_576
            // Log rotation and compaction free space now and then.
            if used > capacity * 0.9 || rng.chance(0.02) { used *= 0.6 }
            metrics["used_bytes"] = used.rounded()
        default:
            return
        }
        mirror.update(id, now: now) {
            $0.customMetrics = metrics
            $0.memoryBytes = memory
        }
    }

    /// One step of a random walk in log space, pulled a fifth of the way back to its base.
    private func revert(_ value: Double, toward base: Double, noise: Double) -> Double {
        let logValue = log(max(value, 0.01))
        let next = logValue + 0.2 * (log(max(base, 0.01)) - logValue) + rng.normal() * noise
        return exp(next)
    }

    private func quantize(_ value: Double, _ step: Double) -> Double { (value / step).rounded() * step }

    private func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double { min(max(value, low), high) }
}
