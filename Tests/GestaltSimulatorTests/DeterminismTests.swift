import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

@Suite struct DeterminismTests {
    @Test func sameSeedGivesTheSameClusterAndHistory() {
        let configuration = SimulatorConfiguration(seed: 42, size: 400, churn: true)
        var first = SimulationHarness(configuration)
        var second = SimulationHarness(configuration)
        let a = first.load()
        let b = second.load()
        #expect(a.changes == b.changes)
        #expect(a.events == b.events)
        for _ in 0..<600 {
            let x = first.step()
            let y = second.step()
            #expect(x.changes == y.changes)
            #expect(x.events == y.events)
            if x.changes != y.changes { break }
        }
    }

    @Test func differentSeedsGiveDifferentClusters() {
        let a = SimulationHarness(SimulatorConfiguration(seed: 1)).load()
        let b = SimulationHarness(SimulatorConfiguration(seed: 2)).load()
        #expect(a.changes != b.changes)
    }

    @Test func differentSeedsGiveDifferentHistories() {
        var first = SimulationHarness(SimulatorConfiguration(seed: 1))
        var second = SimulationHarness(SimulatorConfiguration(seed: 2))
        _ = first.load()
        _ = second.load()
        let x = (0..<50).flatMap { _ in first.step().changes }
        let y = (0..<50).flatMap { _ in second.step().changes }
        #expect(x != y)
    }

    @Test func anUnseededConfigurationPicksItsOwnSeed() {
        let seeds = Set((0..<4).map { _ in SimulatorConfiguration().seed })
        #expect(seeds.count > 1)
    }

    @Test func theGeneratorIsSplitMix64() {
        // Reference values of SplitMix64 for seed 0 (Vigna's splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func boundedDrawsStayInBounds() {
        var rng = SplitMix64(seed: 5)
        var seen = Set<Int>()
        for _ in 0..<2_000 {
            let value = rng.below(7)
            #expect((0..<7).contains(value))
            seen.insert(value)
            let unit = rng.unit()
            #expect(unit >= 0 && unit < 1)
        }
        #expect(seen.count == 7)
    }

    @Test func scheduledActionsRunByTimeThenInsertionOrder() {
        var schedule = Schedule()
        schedule.add(.podGone(pod: "b"), at: 20)
        schedule.add(.podGone(pod: "a"), at: 10)
        schedule.add(.podGone(pod: "c"), at: 20)
        schedule.add(.podGone(pod: "d"), at: 30)
        var order: [ScheduledAction] = []
        while let action = schedule.popDue(upTo: 25) { order.append(action) }
        #expect(order == [.podGone(pod: "a"), .podGone(pod: "b"), .podGone(pod: "c")])
        #expect(schedule.count == 1)
    }
}
