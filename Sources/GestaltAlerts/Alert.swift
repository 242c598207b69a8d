public import GestaltConfig
public import GestaltModel

/// One alert: a rule's condition holding for one subject (an entity, a
/// source, or the whole cluster). Its `id` is the rule and the subject, so the
/// same trouble is always the same alert: that is the de-duplication, and the
/// PagerDuty `dedup_key`.
public struct Alert: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// The condition holds but not yet for the rule's `for:`; never delivered.
        case pending
        case firing
        case resolved
    }

    public var id: String
    public var rule: String
    public var severity: Severity
    /// An entity id, a source name, or `cluster`.
    public var subject: String
    public var summary: String
    /// The measured value behind the condition (health, use, restarts, events), if any.
    public var value: Double?
    public var state: State
    /// When the condition was first seen holding, this time round.
    public var activeAt: Timestamp
    public var firedAt: Timestamp?
    public var resolvedAt: Timestamp?
    /// Where it is delivered; empty means every configured channel.
    public var channels: [AlertChannel]

    public init(signal: AlertSignal, state: State, activeAt: Timestamp) {
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
    public func write(to w: inout JSONWriter) {
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
public struct AlertSignal: Sendable, Hashable {
    public var rule: String
    public var subject: String
    public var severity: Severity
    public var summary: String
    public var value: Double?
    /// The rule's `for:`: how long the condition must hold before the alert fires.
    public var holdFor: Duration
    public var channels: [AlertChannel]

    public init(
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

    public var id: String { "\(rule)/\(subject)" }
}

/// What an evaluation changed that the outside hears about: only these two,
/// so a pending alert that clears is never delivered.
public enum AlertTransition: Sendable, Hashable {
    case fired(Alert)
    case resolved(Alert)

    public var alert: Alert {
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
