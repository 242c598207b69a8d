package import Foundation
package import GestaltModel
import Yams

/// Where alerts go and which conditions raise them.
package struct AlertSettings: Sendable, Hashable {
    package static let defaultPagerDutyURL = URL(string: "https://events.pagerduty.com/v2/enqueue")!

    package var enabled: Bool
    /// Slack incoming-webhook URL (`slack_webhook` in the plan, or `slack_url`); nil: no Slack.
    package var slackURL: URL?
    /// PagerDuty Events API v2 routing key; nil: no PagerDuty.
    package var pagerDutyKey: String?
    /// Where PagerDuty events are posted; overridable so tests can point it at a local server.
    package var pagerDutyURL: URL
    /// A generic webhook receiving each alert as JSON; nil: none.
    package var webhookURL: URL?
    package var rules: [AlertRule]
    /// The built-in rules (CPU/memory over the `health` thresholds, a source
    /// down, a crash-looping pod, a Warning event rate) and their parameters.
    package var builtin: BuiltinAlertRules
    /// How often the rules are evaluated (`evaluate_every`).
    package var evaluateEvery: Duration
    /// How long a resolved alert stays listed (`keep_resolved`).
    package var keepResolved: Duration

    package init(
        enabled: Bool = false, slackURL: URL? = nil, pagerDutyKey: String? = nil,
        pagerDutyURL: URL = AlertSettings.defaultPagerDutyURL, webhookURL: URL? = nil,
        rules: [AlertRule] = [AlertRule.criticalHealth], builtin: BuiltinAlertRules = BuiltinAlertRules(),
        evaluateEvery: Duration = .seconds(5), keepResolved: Duration = .seconds(3600)
    ) {
        self.builtin = builtin
        self.evaluateEvery = evaluateEvery
        self.keepResolved = keepResolved
        self.enabled = enabled
        self.slackURL = slackURL
        self.pagerDutyKey = pagerDutyKey
        self.pagerDutyURL = pagerDutyURL
        self.webhookURL = webhookURL
        self.rules = rules
    }

    /// The channels that have somewhere to send to.
    package var configuredChannels: [AlertChannel] {
        var channels: [AlertChannel] = []
        if slackURL != nil { channels.append(.slack) }
        if pagerDutyKey != nil { channels.append(.pagerduty) }
        if webhookURL != nil { channels.append(.webhook) }
        return channels
    }
}

/// A notification channel an alert rule can send to.
package enum AlertChannel: String, Sendable, Hashable, CaseIterable {
    case slack, pagerduty, webhook

    /// The `alerts` key that configures the channel, for error messages.
    var settingKey: String {
        switch self {
        case .slack: "slack_webhook"
        case .pagerduty: "pagerduty_key"
        case .webhook: "webhook_url"
        }
    }
}

/// A condition on entities that raises an alert once it has held for `holdFor`.
/// Filters (kinds, namespaces) narrow which entities it watches; the
/// condition is health below a score, or a status, or either.
package struct AlertRule: Sendable, Hashable {
    package var name: String
    /// Entity kinds watched; empty means all.
    package var kinds: [EntityKind]
    /// Namespaces watched; empty means all.
    package var namespaces: [String]
    /// Fires when an entity's health score is below this (0...1).
    package var healthBelow: Double?
    /// Fires when an entity has one of these statuses.
    package var statuses: [EntityStatus]
    /// How long the condition must hold before the alert fires (`for`).
    package var holdFor: Duration
    package var severity: Severity
    /// Channels to notify; empty means every configured one.
    package var channels: [AlertChannel]

    package init(
        name: String, kinds: [EntityKind] = [], namespaces: [String] = [], healthBelow: Double? = nil,
        statuses: [EntityStatus] = [], holdFor: Duration = .zero, severity: Severity = .warning,
        channels: [AlertChannel] = []
    ) {
        self.name = name
        self.kinds = kinds
        self.namespaces = namespaces
        self.healthBelow = healthBelow
        self.statuses = statuses
        self.holdFor = holdFor
        self.severity = severity
        self.channels = channels
    }

    /// The rule used when `alerts.rules` is not written: any entity in the
    /// critical health band (below 0.5) for 30 seconds.
    package static let criticalHealth = AlertRule(
        name: "critical-health", healthBelow: HealthPolicy.default.warningAtLeast, holdFor: .seconds(30),
        severity: .critical
    )
}

extension AlertSettings {
    static let sectionKeys = [
        "enabled", "slack_webhook", "slack_url", "pagerduty_key", "pagerduty_url", "webhook_url", "rules",
        "evaluate_every", "keep_resolved", "default_rules", "usage_for", "source_down_for",
        "crash_loop_restarts", "crash_loop_window", "warning_events", "warning_events_window",
    ]

    static func read(_ node: ConfigNode) throws -> AlertSettings {
        let section = try node.mapping(keys: sectionKeys)
        var settings = AlertSettings(enabled: try section.enabled())
        if let webhook = section["slack_webhook"], let url = section["slack_url"] {
            throw url.error("give the Slack URL once: slack_webhook (line \(webhook.line)) and slack_url mean the same")
        }
        if let node = section["slack_webhook"] ?? section["slack_url"] {
            settings.slackURL = try node.url(schemes: ["https", "http"])
        }
        if let node = section["pagerduty_key"] { settings.pagerDutyKey = try node.nonEmptyString("a routing key") }
        if let node = section["pagerduty_url"] { settings.pagerDutyURL = try node.url(schemes: ["https", "http"]) }
        if let node = section["webhook_url"] { settings.webhookURL = try node.url(schemes: ["https", "http"]) }
        if let node = section["evaluate_every"] { settings.evaluateEvery = try node.pollInterval() }
        if let node = section["keep_resolved"] { settings.keepResolved = try node.duration() }
        settings.builtin = try BuiltinAlertRules.read(section)
        if let rules = section["rules"] {
            guard case .sequence = rules.node else { throw rules.expected("a list of rules") }
            var names = InstanceNames()
            settings.rules = try rules.sequence().map {
                try AlertRule.read($0, names: &names, channels: settings.configuredChannels)
            }
        }
        return settings
    }
}

extension AlertRule {
    static let keys = ["name", "kinds", "namespaces", "health_below", "statuses", "for", "severity", "notify"]

    static func read(
        _ node: ConfigNode, names: inout InstanceNames, channels configured: [AlertChannel]
    ) throws -> AlertRule {
        let entry = try node.mapping(keys: keys)
        var rule = AlertRule(name: try entry.requiredName(&names, entry: "rule"))
        if let node = entry["kinds"] {
            rule.kinds = try node.words("a list of entity kinds").map { try $0.enumValue(EntityKind.self) }
        }
        if let node = entry["namespaces"] {
            rule.namespaces = try node.words("a list of namespaces").map { try $0.namespace() }
        }
        if let node = entry["health_below"] { rule.healthBelow = try node.fraction() }
        if let node = entry["statuses"] {
            rule.statuses = try node.words("a list of statuses").map { try $0.enumValue(EntityStatus.self) }
        }
        if let node = entry["for"] { rule.holdFor = try node.duration() }
        if let node = entry["severity"] { rule.severity = try node.enumValue(Severity.self) }
        if let node = entry["notify"] {
            for item in try node.words("a list of channels") {
                let channel = try item.enumValue(AlertChannel.self)
                guard configured.contains(channel) else {
                    throw item.error("\(channel.rawValue) is not configured in alerts (no \(channel.settingKey))")
                }
                rule.channels.append(channel)
            }
        }
        guard rule.healthBelow != nil || !rule.statuses.isEmpty else {
            throw entry.missing("health_below", "a rule needs a condition: health_below, statuses, or both")
        }
        return rule
    }
}

extension ConfigNode {
    /// The items of a list of words.
    func words(_ what: String) throws -> [ConfigNode] {
        guard case .sequence = node else { throw expected(what) }
        return try sequence()
    }

    /// A value of a string enum, with the allowed values listed on a miss.
    func enumValue<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) throws -> Value
    where Value.RawValue == String {
        let name = try choice(Value.allCases.map(\.rawValue))
        return Value(rawValue: name)!
    }
}

/// The rules every server has unless `default_rules: false`; what they watch
/// is fixed, their thresholds and durations are settings.
package struct BuiltinAlertRules: Sendable, Hashable {
    package var enabled: Bool
    /// CPU or memory over a `health` threshold must last this long.
    package var usageFor: Duration
    /// A source in `error` (or stopped) this long raises `source-down`.
    package var sourceDownFor: Duration
    /// A pod restarting this many times inside `crashLoopWindow` is crash-looping.
    package var crashLoopRestarts: Int
    package var crashLoopWindow: Duration
    /// This many Warning (or worse) events inside `warningEventsWindow` raise `warning-event-rate`.
    package var warningEvents: Int
    package var warningEventsWindow: Duration

    package init(
        enabled: Bool = true, usageFor: Duration = .seconds(120), sourceDownFor: Duration = .seconds(60),
        crashLoopRestarts: Int = 3, crashLoopWindow: Duration = .seconds(600),
        warningEvents: Int = 50, warningEventsWindow: Duration = .seconds(300)
    ) {
        self.enabled = enabled
        self.usageFor = usageFor
        self.sourceDownFor = sourceDownFor
        self.crashLoopRestarts = crashLoopRestarts
        self.crashLoopWindow = crashLoopWindow
        self.warningEvents = warningEvents
        self.warningEventsWindow = warningEventsWindow
    }

    static func read(_ section: ConfigMapping) throws -> BuiltinAlertRules {
        var rules = BuiltinAlertRules()
        if let node = section["default_rules"] { rules.enabled = try node.bool() }
        if let node = section["usage_for"] { rules.usageFor = try node.duration() }
        if let node = section["source_down_for"] { rules.sourceDownFor = try node.duration() }
        if let node = section["crash_loop_restarts"] {
            rules.crashLoopRestarts = try node.integer(in: 1...1000, "a number of restarts")
        }
        if let node = section["crash_loop_window"] { rules.crashLoopWindow = try node.pollInterval() }
        if let node = section["warning_events"] {
            rules.warningEvents = try node.integer(in: 1...1_000_000, "a number of events")
        }
        if let node = section["warning_events_window"] { rules.warningEventsWindow = try node.pollInterval() }
        return rules
    }
}
