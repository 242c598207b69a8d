package import GestaltConfig
import GestaltEngine
package import GestaltModel

/// Turns an `AlertInput` into the conditions holding now: the configured
/// entity rules, and the built-in ones. Crash loops and the event rate need
/// a window of the past, which this keeps (restart samples, event times);
/// everything else is a pure reading of the input.
package struct AlertRuleSet: Sendable {
    package let rules: [AlertRule]
    package let builtin: BuiltinAlertRules
    package let thresholds: HealthThresholds
    /// Per pod, its restart counts in the crash-loop window, oldest first.
    private var restarts: [String: [(at: Int64, count: Double)]] = [:]
    /// Times of Warning-or-worse events in the event-rate window, oldest first.
    private var warningTimes: [Int64] = []

    package init(
        rules: [AlertRule], builtin: BuiltinAlertRules = BuiltinAlertRules(),
        thresholds: HealthThresholds = HealthThresholds()
    ) {
        self.rules = rules
        self.builtin = builtin
        self.thresholds = thresholds
    }

    package init(settings: AlertSettings, thresholds: HealthThresholds) {
        self.init(rules: settings.rules, builtin: settings.builtin, thresholds: thresholds)
    }

    package mutating func signals(_ input: AlertInput, now: Timestamp) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        for entity in input.entities where !entity.stale {
            for rule in rules { if let signal = Self.check(rule, entity) { signals.append(signal) } }
            if builtin.enabled { signals += usage(entity) }
        }
        guard builtin.enabled else { return signals }
        signals += sourcesDown(input.sources)
        signals += crashLoops(input.entities, now: now)
        if let rate = warningRate(input.newEvents, now: now) { signals.append(rate) }
        return signals
    }

    static func check(_ rule: AlertRule, _ entity: Entity) -> AlertSignal? {
        guard rule.kinds.isEmpty || rule.kinds.contains(entity.kind) else { return nil }
        guard rule.namespaces.isEmpty || entity.namespace.map(rule.namespaces.contains) == true else { return nil }
        var reasons: [String] = []
        if let below = rule.healthBelow, entity.health < below {
            reasons.append("health \(format(entity.health)) below \(format(below))")
        }
        if rule.statuses.contains(entity.status) { reasons.append("status \(entity.status.rawValue)") }
        guard !reasons.isEmpty else { return nil }
        return AlertSignal(
            rule: rule.name, subject: entity.id, severity: rule.severity,
            summary: "\(entity.kind.rawValue) \(entity.name): \(reasons.joined(separator: ", "))",
            value: entity.health, holdFor: rule.holdFor, channels: rule.channels
        )
    }

    /// Two rules per resource, as Prometheus would write them: the warning
    /// level and the critical one fire and resolve independently.
    private func usage(_ entity: Entity) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        func over(_ resource: String, _ use: Double, warning: Double, critical: Double) {
            let label = "\(entity.kind.rawValue) \(entity.name): \(resource) at \(percent(use))"
            if use >= warning {
                signals.append(
                    AlertSignal(
                        rule: "\(resource)-high", subject: entity.id, severity: .warning,
                        summary: "\(label) (warning threshold \(percent(warning)))", value: use,
                        holdFor: builtin.usageFor
                    ))
            }
            if use >= critical {
                signals.append(
                    AlertSignal(
                        rule: "\(resource)-critical", subject: entity.id, severity: .critical,
                        summary: "\(label) (critical threshold \(percent(critical)))", value: use,
                        holdFor: builtin.usageFor
                    ))
            }
        }
        if entity.cpuPercent > 0 {
            over("cpu", entity.cpuPercent / 100, warning: thresholds.cpuWarning, critical: thresholds.cpuCritical)
        }
        if entity.memoryLimit > 0 {
            let use = Double(entity.memoryBytes) / Double(entity.memoryLimit)
            over("memory", use, warning: thresholds.memoryWarning, critical: thresholds.memoryCritical)
        }
        return signals
    }

    private func sourcesDown(_ sources: [SourceStatus]) -> [AlertSignal] {
        sources.filter(\.isDown).map { source in
            let why = source.message.isEmpty ? source.state.rawValue : "\(source.state.rawValue): \(source.message)"
            return AlertSignal(
                rule: "source-down", subject: source.name, severity: .critical,
                summary: "source \(source.name) is down (\(why))", holdFor: builtin.sourceDownFor
            )
        }
    }

    /// A pod whose `restarts` grew by `crashLoopRestarts` or more inside the window.
    private mutating func crashLoops(_ entities: [Entity], now: Timestamp) -> [AlertSignal] {
        let at = now.millisecondsSince1970, oldest = at - builtin.crashLoopWindow.milliseconds
        var kept: [String: [(at: Int64, count: Double)]] = [:]
        var signals: [AlertSignal] = []
        for pod in entities where pod.kind == .pod && !pod.stale {
            guard let count = pod.customMetrics["restarts"] else { continue }
            var samples = (restarts[pod.id] ?? []).filter { $0.at >= oldest }
            samples.append((at, count))
            kept[pod.id] = samples
            let grown = count - (samples.map(\.count).min() ?? count)
            guard grown >= Double(builtin.crashLoopRestarts) else { continue }
            signals.append(
                AlertSignal(
                    rule: "crash-loop", subject: pod.id, severity: .error,
                    summary: "pod \(pod.name) restarted \(Int(grown)) times in \(minutes(builtin.crashLoopWindow))",
                    value: grown
                ))
        }
        restarts = kept
        return signals
    }

    private mutating func warningRate(_ events: [InfraEvent], now: Timestamp) -> AlertSignal? {
        let oldest = now.millisecondsSince1970 - builtin.warningEventsWindow.milliseconds
        warningTimes += events.filter { $0.severity >= .warning }.map(\.timestamp.millisecondsSince1970)
        warningTimes.removeAll { $0 < oldest }
        guard warningTimes.count >= builtin.warningEvents else { return nil }
        return AlertSignal(
            rule: "warning-event-rate", subject: "cluster", severity: .warning,
            summary:
                "\(warningTimes.count) Warning events in \(minutes(builtin.warningEventsWindow)) (threshold \(builtin.warningEvents))",
            value: Double(warningTimes.count)
        )
    }
}

func format(_ value: Double) -> String { String(Double((value * 100).rounded()) / 100) }
func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }
func minutes(_ duration: Duration) -> String {
    let seconds = duration.milliseconds / 1000
    return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s"
}
