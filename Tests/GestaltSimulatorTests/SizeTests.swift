import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

@Suite struct SizeTests {
    @Test(arguments: [100, 150, 1_000, 10_000])
    func buildsAboutTheRequestedNumberOfEntities(size: Int) {
        let harness = SimulationHarness(SimulatorConfiguration(seed: 11, size: size))
        let initial = harness.load()
        let entities = initial.changes.compactMap(\.entity)
        #expect(Double(entities.count) >= Double(size) * 0.7)
        #expect(Double(entities.count) <= Double(size) * 1.3)
        #expect(entities.count == harness.cluster.entityCount)
        #expect(Set(entities.map(\.id)).count == entities.count, "each entity is loaded once")
    }

    @Test func theInitialLoadNamesEveryEntityBeforeItsConnections() {
        let initial = SimulationHarness(SimulatorConfiguration(seed: 4, size: 600)).load()
        var seen = Set<String>()
        for change in initial.changes {
            if let entity = change.entity { seen.insert(entity.id) }
            if let connection = change.connection {
                #expect(seen.contains(connection.sourceID) && seen.contains(connection.targetID), "\(connection.id)")
            }
        }
    }

    @Test func loadingTwiceReturnsNothingNew() {
        let harness = SimulationHarness(SimulatorConfiguration(seed: 4))
        _ = harness.load()
        let again = harness.load()
        #expect(again.changes.isEmpty)
        #expect(again.events.isEmpty)
    }

    @Test func steppingBeforeLoadingLoads() {
        let cluster = SimulatedCluster(configuration: SimulatorConfiguration(seed: 4))
        let first = cluster.step(now: SimulationHarness.start)
        #expect(first.changes.count > 100)
    }
}
