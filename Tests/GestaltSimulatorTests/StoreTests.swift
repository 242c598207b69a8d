import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// Everything the simulator emits applies to a real store, and the store
/// ends with exactly the simulator's picture.
@Suite struct StoreTests {
    @Test(arguments: [
        SimulatorConfiguration(seed: 31, changesPerSecond: 20, size: 150),
        SimulatorConfiguration(seed: 32, changesPerSecond: 300, size: 400, churn: true),
        SimulatorConfiguration(seed: 33, changesPerSecond: 100, size: 3_000),
    ])
    func nothingIsRejected(configuration: SimulatorConfiguration) {
        var harness = SimulationHarness(configuration)
        let store = TopologyStore()
        let initial = harness.load()
        let loaded = store.apply(initial.changes, now: SimulationHarness.start)
        #expect(loaded.rejected.isEmpty, "\(loaded.rejected.prefix(3).map { "\($0.error)" })")
        #expect(loaded.updates.count == initial.changes.count, "the initial load is all meaningful")
        var rejected: [Rejection] = []
        for step in 1...3_000 {
            let tick = harness.step()
            rejected += store.apply(tick.changes, now: SimulationHarness.time(afterSteps: step)).rejected
            for event in tick.events { store.record(event) }
        }
        #expect(rejected.isEmpty, "\(rejected.prefix(3).map { "\($0.error)" })")
        #expect(store.entityCount == harness.cluster.entityCount)
        #expect(store.connectionCount == harness.cluster.connectionCount)
        #expect(store.revision > UInt64(initial.changes.count))
    }

    @Test func theStoreHoldsWhatTheSimulatorHolds() {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 34, changesPerSecond: 200, size: 300, churn: true))
        let store = TopologyStore()
        store.apply(harness.load().changes, now: SimulationHarness.start)
        for step in 1...1_500 {
            store.apply(harness.step().changes, now: SimulationHarness.time(afterSteps: step))
        }
        let snapshot = store.snapshot()
        let mirror = harness.cluster.mirror
        for stored in snapshot.entities {
            guard var simulated = mirror[stored.id] else {
                Issue.record("store has \(stored.id), the simulator does not")
                continue
            }
            // The store stamps updates with its own clock argument; the rest must agree.
            simulated.updatedAt = stored.updatedAt
            #expect(simulated == stored)
        }
        for connection in snapshot.connections {
            #expect(mirror.connections[connection.id] == connection)
        }
    }

    @Test func eventsAreWellFormed() {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 35, changesPerSecond: 300, size: 300, churn: true))
        var events = harness.load().events
        for _ in 0..<3_000 { events += harness.step().events }
        #expect(events.count > 100)
        for event in events {
            #expect(["Normal", "Warning"].contains(event.type), "\(event.reason)")
            if event.type == "Normal" { #expect(event.severity == .info, "\(event.reason)") }
            if event.type == "Warning" { #expect(event.severity >= .warning, "\(event.reason)") }
            #expect(!event.reason.isEmpty && !event.message.isEmpty)
            #expect(
                event.entityID.contains(":\(event.entityKind.rawValue)/"),
                "\(event.entityID) is not a \(event.entityKind)")
            #expect(
                event.entityID.hasSuffix("/\(event.entityName)"), "\(event.entityID) is not named \(event.entityName)")
        }
        let severities = Set(events.map(\.severity))
        #expect(severities.isSuperset(of: [.info, .warning, .error, .critical]))
        let reasons = Set(events.map(\.reason))
        for reason in [
            "Scheduled", "Pulled", "Created", "Started", "Killing", "ScalingReplicaSet", "BackOff", "Unhealthy",
            "NodeNotReady",
        ] {
            #expect(reasons.contains(reason), "no \(reason) event")
        }
    }
}
