package import GestaltModel

/// One on-demand run of the pipeline (docs/PROTOCOL.md, Jobs).
package struct Job: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A fresh list from some or all sources, diffed into the store.
        case rescan
        /// The topology now, or at a recorded revision, as JSON to download.
        case export
        /// The recorded history between two revisions, replayed from history
        /// onto the topology at the first: streamed as frames, downloadable.
        case replay
    }

    /// The legacy states: `GET /api/jobs/{id}` shows nothing else, ever.
    package enum State: String, Sendable, Hashable {
        case queued, running, completed, failed, cancelled

        package var isFinished: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    /// The seed's plugin statuses, per plugin within one job.
    package enum PluginStatus: String, Sendable, Hashable, CaseIterable {
        case started, running, completed, failed
    }

    package let id: String
    package let kind: Kind
    package let request: JobRequest
    package var state: State = .queued
    package let createdAt: Timestamp
    package var startedAt: Timestamp?
    package var finishedAt: Timestamp?
    package var error: String?
    /// 0 to 100.
    package var progress: Int = 0
    /// The stage or plugin the job is at, for the progress bar.
    package var stage: String?
    package var pluginTimings: [String: Double] = [:]
    package var pluginStatus: [String: PluginStatus] = [:]
    package var warnings: [String] = []
    /// An export's or a replay's JSON, downloadable at `/api/jobs/{id}/result` once completed.
    package var result: [UInt8]?

    package init(id: String, request: JobRequest, createdAt: Timestamp) {
        self.id = id
        self.kind = request.kind
        self.request = request
        self.createdAt = createdAt
    }
}

/// What `POST /api/jobs` asked for, already checked.
package struct JobRequest: Sendable, Hashable {
    package var kind: Job.Kind
    /// Rescan: the source instances to rescan; nil means all of them.
    package var sources: [String]?
    /// Export: the recorded revision to export; nil means now.
    package var at: UInt64?
    /// Replay: the revision to start from (its topology is the first frame).
    package var from: UInt64?
    /// Replay: the last revision to replay; nil means the store's revision now.
    package var to: UInt64?

    package init(kind: Job.Kind, sources: [String]? = nil, at: UInt64? = nil, from: UInt64? = nil, to: UInt64? = nil) {
        self.kind = kind
        self.sources = sources
        self.at = at
        self.from = from
        self.to = to
    }
}

extension Job {
    /// The stable legacy shape: `job_id, kind, state, created_at, finished_at, error`.
    package func writeLegacy(to w: inout JSONWriter) {
        w.beginObject()
        writeLegacyFields(to: &w)
        w.endObject()
    }

    /// The legacy fields unchanged, plus the seed's extended ones.
    package func writeExtended(to w: inout JSONWriter) {
        w.beginObject()
        writeLegacyFields(to: &w)
        w.key("progress"); w.number(progress)
        w.key("stage"); if let stage { w.string(stage) } else { w.null() }
        w.key("plugin_timings"); w.numberMap(pluginTimings)
        w.key("warnings"); w.beginArray(); for text in warnings { w.string(text) }; w.endArray()
        w.key("plugin_status"); w.stringMap(pluginStatus.mapValues(\.rawValue))
        w.key("started_at"); if let startedAt { w.timestamp(startedAt) } else { w.null() }
        w.key("result_url"); if result != nil { w.string("/api/jobs/\(id)/result") } else { w.null() }
        w.endObject()
    }

    private func writeLegacyFields(to w: inout JSONWriter) {
        w.key("job_id"); w.string(id)
        w.key("kind"); w.string(kind.rawValue)
        w.key("state"); w.string(state.rawValue)
        w.key("created_at"); w.timestamp(createdAt)
        w.key("finished_at"); if let finishedAt { w.timestamp(finishedAt) } else { w.null() }
        w.key("error"); if let error { w.string(error) } else { w.null() }
    }
}
