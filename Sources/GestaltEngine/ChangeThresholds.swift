package import GestaltModel

/// When a change to an entity is worth applying and streaming (phase 2 of the
/// plan): status changed, a metric moved past its threshold, or any other field
/// changed. Below every threshold the change is dropped, so the stored entity
/// is always the last published one.
package struct ChangeThresholds: Sendable, Hashable {
    package var health: Double = 0.05
    package var cpuPercent: Double = 5
    package var memoryBytes: Int64 = 1024 * 1024

    package init() {}

    package static let `default` = ChangeThresholds()

    package func isMeaningful(from old: Entity, to new: Entity) -> Bool {
        if old.status != new.status || old.stale != new.stale { return true }
        if abs(old.health - new.health) > health { return true }
        if abs(old.cpuPercent - new.cpuPercent) > cpuPercent { return true }
        if abs(old.memoryBytes - new.memoryBytes) > memoryBytes { return true }
        return old.kind != new.kind || old.name != new.name || old.namespace != new.namespace
            || old.source != new.source || old.labels != new.labels || old.annotations != new.annotations
            || old.memoryLimit != new.memoryLimit || old.networkRxBytes != new.networkRxBytes
            || old.networkTxBytes != new.networkTxBytes || old.customMetrics != new.customMetrics
            || old.x != new.x || old.y != new.y || old.z != new.z
    }

    /// Connections carry traffic figures; the same idea applies with relative steps.
    package func isMeaningful(from old: Connection, to new: Connection) -> Bool {
        func moved(_ a: Double, _ b: Double) -> Bool { abs(a - b) > max(0.05 * max(abs(a), abs(b)), 0.01) }
        return moved(old.requestsPerSec, new.requestsPerSec) || moved(old.bytesPerSec, new.bytesPerSec)
            || abs(old.errorRate - new.errorRate) > 0.005 || moved(old.latencyMs, new.latencyMs)
    }
}
