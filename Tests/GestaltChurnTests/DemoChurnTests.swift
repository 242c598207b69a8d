import GestaltChurn
import GestaltEngine
import GestaltModel
import GestaltSimulator
import Testing

/// `--demo-churn` through the default pipeline: the simulator's heavy
/// rolling updates raise the summary and the warning, pods pending under a
/// second never reach the store as pending, and nothing is rejected.
@Suite struct DemoChurnTests {
    @Test func simulatedChurnRaisesSummaryAndWarning() {
        let store = TopologyStore()
        let log = NoticeLog()
        let pipeline = ChurnPipeline(store: store) { log.append($0) }
        let cluster = SimulatedCluster(
            configuration: SimulatorConfiguration(seed: 7, changesPerSecond: 20, churn: true))
        let clock = TestClock()
        let start = Timestamp(millisecondsSince1970: 1_795_000_000_000)
        var rejected = 0
        let initial = cluster.load(now: start)
        rejected += pipeline.apply(initial.changes, at: clock.at(ms: 0), now: start).rejected.count
        for tick in 1...600 {
            let ms = tick * 100
            let now = Timestamp(millisecondsSince1970: start.millisecondsSince1970 + Int64(ms))
            let step = cluster.step(now: now)
            rejected += pipeline.apply(step.changes, at: clock.at(ms: ms), now: now).rejected.count
            rejected += pipeline.tick(at: clock.at(ms: ms), now: now).rejected.count
        }
        #expect(rejected == 0)
        #expect(log.all.contains { $0.messageType == "high_churn_warning" })
        #expect(log.all.contains { $0.messageType == "namespace_summary" })
        #expect(store.events(limit: 10_000).contains { $0.reason == "HighChurn" })
    }
}
