import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import Testing

/// The built-in rules and the configured ones read the input as documented in docs/ALERTS.md.
struct AlertRuleSetTests {
    func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: 1_000_000 + seconds * 1000) }

    func pod(
        _ name: String, health: Double = 1, cpu: Double = 0, memory: Int64 = 0, limit: Int64 = 0,
        restarts: Double? = nil
    ) -> Entity {
        Entity(
            id: "k8s:pod/shop/\(name)", kind: .pod, name: name, namespace: "shop", source: "k8s", health: health,
            cpuPercent: cpu, memoryBytes: memory, memoryLimit: limit,
            customMetrics: restarts.map { ["restarts": $0] } ?? [:]
        )
    }

    @Test func configuredRuleMatchesKindNamespaceAndHealth() {
        let rule = AlertRule(name: "low", kinds: [.pod], namespaces: ["shop"], healthBelow: 0.5, severity: .error)
        var rules = AlertRuleSet(rules: [rule], builtin: BuiltinAlertRules(enabled: false))
        var other = pod("b", health: 0.1)
        other.namespace = "ops"
        let signals = rules.signals(AlertInput(entities: [pod("a", health: 0.4), pod("ok"), other]), now: at(0))
        #expect(signals.map(\.id) == ["low/k8s:pod/shop/a"])
        #expect(signals.first?.summary == "pod a: health 0.4 below 0.5")
        #expect(signals.first?.severity == .error)
    }

    @Test func usageOverWarningAndCriticalThresholds() {
        var rules = AlertRuleSet(rules: [], thresholds: HealthThresholds())
        let entities = [
            pod("warm", cpu: 75), pod("hot", cpu: 95), pod("full", memory: 96, limit: 100),
            pod("calm", cpu: 10, memory: 10, limit: 100),
        ]
        let ids = rules.signals(AlertInput(entities: entities), now: at(0)).map(\.id).sorted()
        #expect(
            ids == [
                "cpu-critical/k8s:pod/shop/hot", "cpu-high/k8s:pod/shop/hot", "cpu-high/k8s:pod/shop/warm",
                "memory-critical/k8s:pod/shop/full", "memory-high/k8s:pod/shop/full",
            ])
    }

    @Test func sourceDownHoldsForItsDuration() {
        var rules = AlertRuleSet(rules: [], builtin: BuiltinAlertRules(sourceDownFor: .seconds(60)))
        var evaluator = AlertEvaluator()
        let down = [SourceStatus(name: "k8s", state: .error, message: "connection refused")]
        #expect(evaluator.evaluate(rules.signals(AlertInput(sources: down), now: at(0)), now: at(0)).isEmpty)
        let fired = evaluator.evaluate(rules.signals(AlertInput(sources: down), now: at(60)), now: at(60))
        #expect(fired.map(\.alert.id) == ["source-down/k8s"])
        #expect(fired.first?.alert.summary == "source k8s is down (error: connection refused)")
        let back = [SourceStatus(name: "k8s", state: .ready)]
        #expect(
            evaluator.evaluate(rules.signals(AlertInput(sources: back), now: at(61)), now: at(61)).map(\.alert.state)
                == [.resolved])
    }

    @Test func crashLoopCountsRestartsInsideTheWindow() {
        var rules = AlertRuleSet(
            rules: [], builtin: BuiltinAlertRules(crashLoopRestarts: 3, crashLoopWindow: .seconds(600)))
        func signals(_ restarts: Double, _ t: Int64) -> [String] {
            rules.signals(AlertInput(entities: [pod("web", restarts: restarts)]), now: at(t)).map(\.id)
        }
        #expect(signals(0, 0).isEmpty)
        #expect(signals(2, 100).isEmpty)
        #expect(signals(3, 200) == ["crash-loop/k8s:pod/shop/web"])
        // No restart for longer than the window: the loop is over.
        #expect(signals(3, 900).isEmpty)
    }

    @Test func warningEventRateOverItsWindow() {
        var rules = AlertRuleSet(
            rules: [], builtin: BuiltinAlertRules(warningEvents: 3, warningEventsWindow: .seconds(60)))
        func event(_ t: Int64, _ severity: Severity = .warning) -> InfraEvent {
            InfraEvent(
                type: "Warning", reason: "BackOff", message: "", entityID: "x", entityKind: .pod, entityName: "x",
                severity: severity, timestamp: at(t), seq: UInt64(t)
            )
        }
        #expect(rules.signals(AlertInput(newEvents: [event(0), event(1), event(2, .info)]), now: at(2)).isEmpty)
        #expect(
            rules.signals(AlertInput(newEvents: [event(3)]), now: at(3)).map(\.id) == ["warning-event-rate/cluster"])
        #expect(rules.signals(AlertInput(), now: at(61)).isEmpty)
    }

    @Test func staleEntitiesAreLeftToSourceDown() {
        var rules = AlertRuleSet(rules: [AlertRule.criticalHealth])
        var gone = pod("gone", health: 0.1)
        gone.stale = true
        #expect(rules.signals(AlertInput(entities: [gone]), now: at(0)).isEmpty)
    }
}
