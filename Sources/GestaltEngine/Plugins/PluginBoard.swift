import GestaltModel
import Synchronization

/// Every plugin of the pipeline with its last run. Writers record once per
/// cycle (never per entity), under one short lock, so recording costs the
/// hot path nothing it would notice.
package final class PluginBoard: Sendable {
    private let reports = Mutex<[String: PluginReport]>([:])

    package init() {}

    /// Adds or replaces a plugin's metadata; its runs are kept.
    package func register(_ metadata: PluginMetadata) {
        reports.withLock { r in
            var report = r[metadata.name] ?? PluginReport(metadata: metadata)
            report.metadata = metadata
            r[metadata.name] = report
        }
    }

    /// Records a finished run. An unregistered name is registered as a source.
    package func record(_ name: String, _ run: PluginRun) {
        reports.withLock { r in
            var report =
                r[name] ?? PluginReport(metadata: PluginMetadata(name: name, stage: .source, capabilities: ["collect"]))
            report.lastRun = run
            report.runs += 1
            report.totalSeconds += run.seconds
            r[name] = report
        }
    }

    package func report(_ name: String) -> PluginReport? { reports.withLock { $0[name] } }

    /// In pipeline order: sources, enrichment, health, layout; by name within a stage.
    package var all: [PluginReport] {
        reports.withLock { Array($0.values) }.sorted {
            ($0.metadata.stage, $0.metadata.name) < ($1.metadata.stage, $1.metadata.name)
        }
    }

    package func allJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for report in all { report.write(to: &w) }
        w.endArray()
        return w.bytes
    }
}

extension ContinuousClock.Instant {
    /// Seconds from this instant until now, for `PluginRun.seconds`.
    package var secondsAgo: Double {
        let elapsed = ContinuousClock.now - self
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
