import Foundation
import GestaltConfig
import Testing

/// The alert engine's own keys: evaluation period, kept resolved alerts,
/// and the built-in rules' parameters, with clear errors for bad values.
struct AlertEngineSettingsTests {
    @Test func builtinRuleParameters() throws {
        let alerts = try parse(
            """
            alerts:
              evaluate_every: 2
              keep_resolved: 30m
              usage_for: 1m
              source_down_for: 90s
              crash_loop_restarts: 5
              crash_loop_window: 300
              warning_events: 20
              warning_events_window: 60
            """
        ).alerts
        #expect(alerts.evaluateEvery == .seconds(2))
        #expect(alerts.keepResolved == .seconds(1800))
        #expect(
            alerts.builtin
                == BuiltinAlertRules(
                    enabled: true, usageFor: .seconds(60), sourceDownFor: .seconds(90), crashLoopRestarts: 5,
                    crashLoopWindow: .seconds(300), warningEvents: 20, warningEventsWindow: .seconds(60)
                ))
        #expect(try parse("alerts:\n  default_rules: false\n").alerts.builtin.enabled == false)
        #expect(try parse("alerts:\n  enabled: true\n").alerts.builtin == BuiltinAlertRules())
    }

    @Test func badValuesSayWhatIsWrongAndWhere() throws {
        let restarts = try #require(failure("alerts:\n  crash_loop_restarts: 0\n"))
        #expect(restarts.description == "x.yaml:2:24: alerts.crash_loop_restarts: must be from 1 to 1000, got 0")
        let window = try #require(failure("alerts:\n  warning_events_window: -5\n"))
        #expect(window.keyPath == "alerts.warning_events_window")
        #expect(window.message == "must be more than 0 and at most 86400 seconds, got -5")
        let duration = try #require(failure("alerts:\n  source_down_for: soon\n"))
        #expect(duration.keyPath == "alerts.source_down_for")
        #expect(duration.message.contains("a duration"))
        let typo = try #require(failure("alerts:\n  crashloop_restarts: 3\n"))
        #expect(typo.keyPath == "alerts.crashloop_restarts")
        #expect(typo.message.contains("crash_loop_restarts"))
    }
}
