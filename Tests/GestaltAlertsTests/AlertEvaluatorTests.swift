import GestaltAlerts
import GestaltConfig
import GestaltModel
import Testing

/// The Prometheus alerting-rule states over an injected clock: pending until
/// `for:` has passed, firing once, resolving once, and no second fire from a
/// condition that flaps inside `for:`.
struct AlertEvaluatorTests {
    let signal = AlertSignal(
        rule: "low-health", subject: "k8s:pod/shop/web", severity: .critical, summary: "low", holdFor: .seconds(30))

    func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: 1_000_000 + seconds * 1000) }

    @Test func firesOnceAfterForThenResolvesOnce() {
        var evaluator = AlertEvaluator()
        #expect(evaluator.evaluate([signal], now: at(0)).isEmpty)
        #expect(evaluator.pending.map(\.id) == ["low-health/k8s:pod/shop/web"])
        #expect(evaluator.evaluate([signal], now: at(29)).isEmpty)
        let fired = evaluator.evaluate([signal], now: at(30))
        #expect(fired.count == 1)
        guard case .fired(let alert) = fired.first else { Issue.record("expected a fire"); return }
        #expect(alert.state == .firing && alert.activeAt == at(0) && alert.firedAt == at(30))
        // Still holding: firing, never fired again.
        for t in stride(from: Int64(31), to: 100, by: 5) { #expect(evaluator.evaluate([signal], now: at(t)).isEmpty) }
        #expect(evaluator.firing.count == 1)
        let resolved = evaluator.evaluate([], now: at(100))
        guard case .resolved(let done) = resolved.first, resolved.count == 1 else {
            Issue.record("expected one resolve"); return
        }
        #expect(done.resolvedAt == at(100) && done.state == .resolved && done.firedAt == at(30))
        #expect(evaluator.evaluate([], now: at(101)).isEmpty)
        #expect(evaluator.firing.isEmpty)
        #expect(evaluator.resolved.map(\.id) == [signal.id])
    }

    @Test func flappingInsideForNeverFires() {
        var evaluator = AlertEvaluator()
        var transitions: [AlertTransition] = []
        // On for 20 s, off for 1 s, over and over: never 30 s in a row.
        for t in Int64(0)..<300 {
            let holding = t % 21 != 20
            transitions += evaluator.evaluate(holding ? [signal] : [], now: at(t))
        }
        #expect(transitions.isEmpty)
        #expect(evaluator.resolved.isEmpty)
    }

    @Test func flappingAfterFiringFiresAndResolvesOncePerEpisode() {
        var evaluator = AlertEvaluator()
        var fired = 0, resolved = 0
        func step(_ holding: Bool, _ t: Int64) {
            for transition in evaluator.evaluate(holding ? [signal] : [], now: at(t)) {
                if case .fired = transition { fired += 1 } else { resolved += 1 }
            }
        }
        for t in Int64(0)...40 { step(true, t) }  // fires at 30
        step(false, 41)  // resolves
        for t in Int64(42)...60 { step(t % 2 == 0, t) }  // flaps: pending, dropped, pending...
        #expect(fired == 1 && resolved == 1)
        for t in Int64(61)...95 { step(true, t) }  // holds 30 s again: a second episode
        step(false, 96)
        #expect(fired == 2 && resolved == 2)
    }

    @Test func zeroForFiresAtOnceAndDuplicatesAreOneAlert() {
        var evaluator = AlertEvaluator()
        var now = signal
        now.holdFor = .zero
        let transitions = evaluator.evaluate([now, now], now: at(0))
        #expect(transitions.count == 1)
        #expect(evaluator.firing.count == 1)
    }

    @Test func resolvedAlertsAgeOut() {
        var evaluator = AlertEvaluator(keepResolved: .seconds(60))
        var now = signal
        now.holdFor = .zero
        _ = evaluator.evaluate([now], now: at(0))
        _ = evaluator.evaluate([], now: at(1))
        #expect(evaluator.resolved.count == 1)
        _ = evaluator.evaluate([], now: at(62))
        #expect(evaluator.resolved.isEmpty)
    }
}
