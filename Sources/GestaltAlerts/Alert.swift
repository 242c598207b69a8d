package import GestaltConfig
package import GestaltModel

/// One alert: a rule's condition holding for one subject (an entity, a
/// source, or the whole cluster). Its `id` is the rule and the subject, so the
/// same trouble is always the same alert: that is the de-duplication, and the
/// PagerDuty `dedup_key`.
package struct Alert: Sendable, Hashable {
    package enum State: String, Sendable, Hashable {
        /// The condition holds but not yet for the rule's `for:`; never delivered.
        case pending
        case firing
        case resolved
    }

    package var id: String
    package var rule: String
    package var severity: Severity
    /// An entity id, a source name, or `cluster`.
    package var subject: String
    package var summary: String
    /// The measured value behind the condition (health, use, restarts, events), if any.
    package var value: Double?
    package var state: State
    /// When the condition was first seen holding, this time round.
    package var activeAt: Timestamp
    package var firedAt: Timestamp?
    package var resolvedAt: Timestamp?
    /// Where it is delivered; empty means every configured channel.
    package var channels: [AlertChannel]

    package init(signal: AlertSignal, state: State, activeAt: Timestamp) {
        self.id = signal.id
        self.rule = signal.rule
        self.severity = signal.severity
        self.subject = signal.subject
        self.summary = signal.summary
        self.value = signal.value
        self.state = state
        self.activeAt = activeAt
        self.channels = signal.channels
    }
}

extension Alert: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("rule"); w.string(rule)
        w.key("severity"); w.string(severity.rawValue)
        w.key("subject"); w.string(subject)
        w.key("summary"); w.string(summary)
        w.key("value"); if let value { w.number(value) } else { w.null() }
        w.key("state"); w.string(state.rawValue)
        w.key("active_at"); w.timestamp(activeAt)
        w.key("fired_at"); if let firedAt { w.timestamp(firedAt) } else { w.null() }
        w.key("resolved_at"); if let resolvedAt { w.timestamp(resolvedAt) } else { w.null() }
        w.endObject()
    }
}

/// A rule's condition holding for one subject at one evaluation.
package struct AlertSignal: Sendable, Hashable {
    package var rule: String
    package var subject: String
    package var severity: Severity
    package var summary: String
    package var value: Double?
    /// The rule's `for:`: how long the condition must hold before the alert fires.
    package var holdFor: Duration
    package var channels: [AlertChannel]

    package init(
        rule: String, subject: String, severity: Severity, summary: String, value: Double? = nil,
        holdFor: Duration = .zero, channels: [AlertChannel] = []
    ) {
        self.rule = rule
        self.subject = subject
        self.severity = severity
        self.summary = summary
        self.value = value
        self.holdFor = holdFor
        self.channels = channels
    }

    package var id: String { "\(rule)/\(subject)" }
}

/// What an evaluation changed that the outside hears about: only these two,
/// so a pending alert that clears is never delivered.
package enum AlertTransition: Sendable, Hashable {
    case fired(Alert)
    case resolved(Alert)

    package var alert: Alert {
        switch self {
        case .fired(let alert), .resolved(let alert): alert
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
