package import GestaltModel

/// What one stage of the collection pipeline is: a source, the Prometheus
/// enricher, health scoring or the layout. `GET /api/plugins` lists these.
package struct PluginMetadata: Sendable, Hashable {
    /// Pipeline order: sources first, then enrichment, health, layout.
    package enum Stage: String, Sendable, Hashable, CaseIterable, Comparable {
        case source, enrichment, health, layout

        package static func < (a: Stage, b: Stage) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// Unique: a source's instance (`docker@build-host`), or `health`, `layout`.
    package var name: String
    package var stage: Stage
    package var version: String
    /// What it can do: `collect`, `rescan`, `enrich`, `score`, `layout`.
    package var capabilities: [String]
    /// The source instance it serves, for sources and enrichers.
    package var instance: String?

    /// Built-in plugins ship with the server; they share its protocol version.
    package static let builtInVersion = "1"

    /// The store scores health as changes arrive: each call into it that
    /// scored entities (a source's batch, an enrichment cycle's overlays) is a
    /// run, timed over the scoring alone; a job times a full health report
    /// under this name too.
    package static let health = PluginMetadata(name: "health", stage: .health, capabilities: ["score"])

    package init(
        name: String, stage: Stage, version: String = builtInVersion, capabilities: [String], instance: String? = nil
    ) {
        self.name = name
        self.stage = stage
        self.version = version
        self.capabilities = capabilities
        self.instance = instance
    }
}

/// One finished run of a plugin: a poll cycle, an enrichment cycle, a layout tick, a job's step.
package struct PluginRun: Sendable, Hashable {
    package var seconds: Double
    /// Soft failures: the run finished, with something missing ("3 pods had no metrics").
    package var warnings: [String]
    /// Set when the run failed.
    package var error: String?
    package var finishedAt: Timestamp

    package init(seconds: Double, warnings: [String] = [], error: String? = nil, finishedAt: Timestamp = .now()) {
        self.seconds = seconds
        self.warnings = warnings
        self.error = error
        self.finishedAt = finishedAt
    }
}

/// A plugin with its last run and running totals.
package struct PluginReport: Sendable, Hashable {
    package var metadata: PluginMetadata
    package var lastRun: PluginRun?
    package var runs: Int = 0
    package var totalSeconds: Double = 0

    package init(metadata: PluginMetadata) { self.metadata = metadata }
}

extension PluginMetadata: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        writeFields(to: &w)
        w.endObject()
    }

    func writeFields(to w: inout JSONWriter) {
        w.key("name"); w.string(name)
        w.key("stage"); w.string(stage.rawValue)
        w.key("version"); w.string(version)
        w.key("capabilities"); w.beginArray(); for c in capabilities { w.string(c) }; w.endArray()
        w.key("instance"); if let instance { w.string(instance) } else { w.null() }
    }
}

extension PluginReport: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        metadata.writeFields(to: &w)
        w.key("runs"); w.number(runs)
        w.key("total_seconds"); w.number(totalSeconds)
        w.key("last_run")
        if let lastRun {
            w.beginObject()
            w.key("seconds"); w.number(lastRun.seconds)
            w.key("warnings"); w.beginArray(); for text in lastRun.warnings { w.string(text) }; w.endArray()
            w.key("error"); if let error = lastRun.error { w.string(error) } else { w.null() }
            w.key("finished_at"); w.timestamp(lastRun.finishedAt)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}
