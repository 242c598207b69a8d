import GestaltModel

/// The bodies each channel is sent. Pure, so tests compare them byte for byte.
package enum AlertPayloads {
    /// A Slack incoming-webhook message: a one-line `text` (what notifications
    /// show) and an attachment coloured by severity with the details.
    package static func slack(_ transition: AlertTransition) -> [UInt8] {
        let alert = transition.alert
        let firing = if case .fired = transition { true } else { false }
        var w = JSONWriter()
        w.beginObject()
        w.key("text");
        w.string("[\(firing ? "FIRING" : "RESOLVED")] \(alert.rule) (\(alert.severity.rawValue)): \(alert.summary)")
        w.key("attachments"); w.beginArray()
        w.beginObject()
        w.key("color"); w.string(firing ? color(alert.severity) : "good")
        w.key("title"); w.string("\(alert.rule) on \(alert.subject)")
        w.key("text"); w.string(alert.summary)
        w.key("fields"); w.beginArray()
        field(&w, "Severity", alert.severity.rawValue)
        field(&w, "State", alert.state.rawValue)
        field(&w, "Since", (alert.firedAt ?? alert.activeAt).description)
        if let resolvedAt = alert.resolvedAt { field(&w, "Resolved", resolvedAt.description) }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// A PagerDuty Events API v2 event: `trigger` when the alert fires,
    /// `resolve` when it resolves, both with the alert's id as `dedup_key` so
    /// PagerDuty folds repeats into one incident and closes that one.
    package static func pagerDuty(_ transition: AlertTransition, routingKey: String) -> [UInt8] {
        let alert = transition.alert
        var w = JSONWriter()
        w.beginObject()
        w.key("routing_key"); w.string(routingKey)
        w.key("dedup_key"); w.string(alert.id)
        switch transition {
        case .fired:
            w.key("event_action"); w.string("trigger")
            w.key("payload"); w.beginObject()
            w.key("summary"); w.string(String(alert.summary.prefix(1024)))
            w.key("source"); w.string(alert.subject)
            // PagerDuty's severities are ours: critical, error, warning, info.
            w.key("severity"); w.string(alert.severity.rawValue)
            w.key("timestamp"); w.timestamp(alert.firedAt ?? alert.activeAt)
            w.key("component"); w.string(alert.subject)
            w.key("class"); w.string(alert.rule)
            w.key("custom_details"); w.beginObject()
            w.key("rule"); w.string(alert.rule)
            w.key("value"); if let value = alert.value { w.number(value) } else { w.null() }
            w.key("active_at"); w.timestamp(alert.activeAt)
            w.endObject()
            w.endObject()
        case .resolved:
            w.key("event_action"); w.string("resolve")
        }
        w.endObject()
        return w.bytes
    }

    /// The generic webhook: `{"status": "firing"|"resolved", "alert": Alert}`.
    package static func webhook(_ transition: AlertTransition) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("status"); w.string(transition.alert.state.rawValue)
        w.key("alert"); transition.alert.write(to: &w)
        w.endObject()
        return w.bytes
    }

    private static func color(_ severity: Severity) -> String {
        switch severity {
        case .critical, .error: "danger"
        case .warning: "warning"
        case .info: "#439FE0"
        }
    }

    private static func field(_ w: inout JSONWriter, _ title: String, _ value: String) {
        w.beginObject()
        w.key("title"); w.string(title)
        w.key("value"); w.string(value)
        w.key("short"); w.bool(true)
        w.endObject()
    }
}
