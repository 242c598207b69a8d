import GestaltEngine
import GestaltModel

@testable import GestaltSimulator

/// Drives a cluster with fixed step times, as the runner does with the clock.
struct SimulationHarness {
    static let start = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    static let tick: Int64 = 100

    static func time(afterSteps steps: Int) -> Timestamp {
        Timestamp(millisecondsSince1970: start.millisecondsSince1970 + Int64(steps) * tick)
    }

    let cluster: SimulatedCluster
    var steps = 0

    init(_ configuration: SimulatorConfiguration) {
        cluster = SimulatedCluster(configuration: configuration)
    }

    func load() -> (changes: [TopologyChange], events: [InfraEvent]) {
        cluster.load(now: Self.start)
    }

    mutating func step() -> (changes: [TopologyChange], events: [InfraEvent]) {
        steps += 1
        return cluster.step(now: Self.time(afterSteps: steps))
    }
}

extension TopologyChange {
    var entity: Entity? {
        if case .upsertEntity(let entity, _) = self { return entity }
        return nil
    }

    var connection: Connection? {
        if case .upsertConnection(let connection) = self { return connection }
        return nil
    }
}
