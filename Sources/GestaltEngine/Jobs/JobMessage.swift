import GestaltModel

/// A message a running job sends on the WebSocket `jobs` channel: the seed's
/// envelope `type` and its payload, encoded once for every subscriber.
package struct JobMessage: Sendable {
    /// `progress`, `plugin_status`, `warning`, `error`, `frame` or `metadata`.
    package let type: String
    package let payload: [UInt8]
    /// The kind of job that sent it: a rescan's `frame` changed the store, a replay's did not.
    package var jobKind: Job.Kind?

    static func progress(_ job: Job) -> JobMessage {
        make("progress") { w in
            w.key("job_id"); w.string(job.id)
            w.key("kind"); w.string(job.kind.rawValue)
            w.key("state"); w.string(job.state.rawValue)
            w.key("progress"); w.number(job.progress)
            w.key("stage"); if let stage = job.stage { w.string(stage) } else { w.null() }
        }
    }

    static func pluginStatus(_ job: Job, plugin: String, status: Job.PluginStatus, seconds: Double? = nil) -> JobMessage
    {
        make("plugin_status") { w in
            w.key("job_id"); w.string(job.id)
            w.key("plugin"); w.string(plugin)
            w.key("status"); w.string(status.rawValue)
            w.key("seconds"); if let seconds { w.number(seconds) } else { w.null() }
        }
    }

    static func warning(_ job: Job, plugin: String?, message: String) -> JobMessage {
        make("warning") { w in
            w.key("job_id"); w.string(job.id)
            w.key("plugin"); if let plugin { w.string(plugin) } else { w.null() }
            w.key("message"); w.string(message)
        }
    }

    static func error(_ job: Job, plugin: String?, message: String) -> JobMessage {
        make("error") { w in
            w.key("code"); w.string(plugin == nil ? "job_failed" : "plugin_failed")
            w.key("message"); w.string(message)
            w.key("job_id"); w.string(job.id)
            w.key("plugin"); if let plugin { w.string(plugin) } else { w.null() }
        }
    }

    /// The topology the rescan left in the store, or a replay's topology at
    /// one revision, as a `full` TopologyUpdate.
    static func frame(_ job: Job, revision: UInt64, topology: [UInt8]) -> JobMessage {
        var message = make("frame") { w in
            w.key("job_id"); w.string(job.id)
            w.key("revision"); w.number(revision)
            w.key("topology"); w.raw(topology)
        }
        message.jobKind = job.kind
        return message
    }

    /// The plugins the job runs through, with their metadata.
    static func metadata(_ job: Job, plugins: [PluginReport]) -> JobMessage {
        make("metadata") { w in
            w.key("job_id"); w.string(job.id)
            w.key("plugins"); w.beginArray(); for plugin in plugins { plugin.metadata.write(to: &w) }; w.endArray()
        }
    }

    private static func make(_ type: String, _ fields: (inout JSONWriter) -> Void) -> JobMessage {
        var w = JSONWriter()
        w.beginObject()
        fields(&w)
        w.endObject()
        return JobMessage(type: type, payload: w.bytes)
    }
}
