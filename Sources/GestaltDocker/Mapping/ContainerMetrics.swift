/// What one container uses now, from its stats stream.
package struct ContainerMetrics: Sendable, Hashable {
    package var cpuPercent: Double = 0
    package var memoryBytes: Int64 = 0
    package var memoryLimit: Int64 = 0
    /// Cumulative bytes since the container started (Entity.networkRxBytes/TxBytes).
    package var networkRxBytes: Int64 = 0
    package var networkTxBytes: Int64 = 0
    /// Bytes per second over the last sample interval; nil before a second
    /// sample, or when the container has no interface.
    package var networkRxBytesPerSecond: Double?
    package var networkTxBytesPerSecond: Double?
    package var pids: Int?

    package init() {}
}

/// Turns the cumulative counters of one container's stats stream into
/// rates. CPU uses the engine's own previous sample (`precpu_stats`), as
/// `docker stats` does; network rates need the previous line, which this
/// keeps, and the time between the two lines as this process saw them.
package struct StatsRates: Sendable {
    private var previous: (rx: Int64, tx: Int64, at: ContinuousClock.Instant)?

    package init() {}

    package mutating func metrics(for sample: StatsSample, at now: ContinuousClock.Instant) -> ContainerMetrics {
        var metrics = ContainerMetrics()
        let cpuDelta = sample.cpuTotal &- sample.previousCPUTotal
        let systemDelta = sample.systemCPU &- sample.previousSystemCPU
        // A first sample has no precpu (zero) and a counter reset goes backwards: no figure then.
        if sample.previousCPUTotal > 0, sample.cpuTotal >= sample.previousCPUTotal,
            sample.systemCPU > sample.previousSystemCPU
        {
            metrics.cpuPercent = Double(cpuDelta) / Double(systemDelta) * Double(max(sample.onlineCPUs, 1)) * 100
        }
        metrics.memoryBytes = sample.memoryBytes
        metrics.memoryLimit = sample.memoryLimit
        metrics.pids = sample.pids
        guard let rx = sample.networkRx, let tx = sample.networkTx else {
            previous = nil
            return metrics
        }
        metrics.networkRxBytes = rx
        metrics.networkTxBytes = tx
        if let previous, rx >= previous.rx, tx >= previous.tx {
            let seconds = Self.seconds(now - previous.at)
            if seconds > 0.001 {
                metrics.networkRxBytesPerSecond = Double(rx - previous.rx) / seconds
                metrics.networkTxBytesPerSecond = Double(tx - previous.tx) / seconds
            }
        }
        previous = (rx, tx, now)
        return metrics
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
