import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

@Suite struct RateTests {
    @Test(arguments: [false, true])
    func rateZeroFreezesTheClusterAfterItLoads(churn: Bool) {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 61, changesPerSecond: 0, churn: churn))
        let initial = harness.load()
        #expect(!initial.changes.isEmpty)
        let count = harness.cluster.entityCount
        for _ in 0..<600 {
            let tick = harness.step()
            #expect(tick.changes.isEmpty)
            #expect(tick.events.isEmpty)
        }
        #expect(harness.cluster.entityCount == count)
    }

    @Test(arguments: [5.0, 20.0, 200.0])
    func changesFlowAtAboutTheConfiguredRate(rate: Double) {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 62, changesPerSecond: rate, size: 500))
        _ = harness.load()
        var changes = 0
        for _ in 0..<1_200 { changes += harness.step().changes.count }
        let perSecond = Double(changes) / 120
        #expect(perSecond >= rate * 0.75 && perSecond <= rate * 1.25, "\(perSecond) changes/s at \(rate)")
    }

    @Test func aLongPauseDoesNotBurst() {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 63, changesPerSecond: 20))
        _ = harness.load()
        _ = harness.step()
        // An hour later: at most a few seconds' worth of changes, not 72,000.
        let later = harness.cluster.step(now: SimulationHarness.time(afterSteps: 36_000))
        #expect(later.changes.count < 300)
    }

    @Test func timeGoingBackwardsIsHarmless() {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 64))
        _ = harness.load()
        for _ in 0..<20 { _ = harness.step() }
        let earlier = harness.cluster.step(now: SimulationHarness.start)
        #expect(earlier.changes.count < 50)
    }
}
