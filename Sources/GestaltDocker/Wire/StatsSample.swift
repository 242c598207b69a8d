/// One line of `GET /containers/{id}/stats?stream=true`: cumulative
/// counters; `StatsRates` turns consecutive samples into rates.
package struct StatsSample: Decodable, Sendable, Hashable {
    package var cpuTotal: UInt64
    package var systemCPU: UInt64
    package var previousCPUTotal: UInt64
    package var previousSystemCPU: UInt64
    package var onlineCPUs: Int
    /// Usage minus inactive file cache, as `docker stats` shows it.
    package var memoryBytes: Int64
    package var memoryLimit: Int64
    /// Sums over the container's interfaces; nil when it has none (`--network none`).
    package var networkRx: Int64?
    package var networkTx: Int64?
    package var pids: Int?

    package init(
        cpuTotal: UInt64, systemCPU: UInt64, previousCPUTotal: UInt64 = 0, previousSystemCPU: UInt64 = 0,
        onlineCPUs: Int = 1,
        memoryBytes: Int64 = 0, memoryLimit: Int64 = 0, networkRx: Int64? = nil, networkTx: Int64? = nil,
        pids: Int? = nil
    ) {
        self.cpuTotal = cpuTotal
        self.systemCPU = systemCPU
        self.previousCPUTotal = previousCPUTotal
        self.previousSystemCPU = previousSystemCPU
        self.onlineCPUs = onlineCPUs
        self.memoryBytes = memoryBytes
        self.memoryLimit = memoryLimit
        self.networkRx = networkRx
        self.networkTx = networkTx
        self.pids = pids
    }

    private struct CPUStats: Decodable {
        struct Usage: Decodable { var total_usage: UInt64?; var percpu_usage: [UInt64]? }
        var cpu_usage: Usage?
        var system_cpu_usage: UInt64?
        var online_cpus: Int?
    }
    private struct MemoryStats: Decodable { var usage: Int64?; var limit: Int64?; var stats: [String: Int64]? }
    private struct Interface: Decodable { var rx_bytes: Int64?; var tx_bytes: Int64? }
    private struct Pids: Decodable { var current: Int? }
    enum CodingKeys: String, CodingKey { case cpu_stats, precpu_stats, memory_stats, networks, pids_stats }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let cpu = try c.decodeIfPresent(CPUStats.self, forKey: .cpu_stats)
        let precpu = try c.decodeIfPresent(CPUStats.self, forKey: .precpu_stats)
        cpuTotal = cpu?.cpu_usage?.total_usage ?? 0
        systemCPU = cpu?.system_cpu_usage ?? 0
        previousCPUTotal = precpu?.cpu_usage?.total_usage ?? 0
        previousSystemCPU = precpu?.system_cpu_usage ?? 0
        onlineCPUs = cpu?.online_cpus ?? cpu?.cpu_usage?.percpu_usage?.count ?? 1
        let memory = try c.decodeIfPresent(MemoryStats.self, forKey: .memory_stats)
        let usage = memory?.usage ?? 0
        // cgroup v1 reports total_inactive_file, v2 inactive_file; docker stats subtracts it.
        let inactive = memory?.stats?["total_inactive_file"] ?? memory?.stats?["inactive_file"] ?? 0
        memoryBytes = inactive < usage ? usage - inactive : usage
        memoryLimit = memory?.limit ?? 0
        if let interfaces = try c.decodeIfPresent([String: Interface].self, forKey: .networks) {
            networkRx = interfaces.values.reduce(0) { $0 + ($1.rx_bytes ?? 0) }
            networkTx = interfaces.values.reduce(0) { $0 + ($1.tx_bytes ?? 0) }
        }
        pids = try c.decodeIfPresent(Pids.self, forKey: .pids_stats)?.current
    }
}
