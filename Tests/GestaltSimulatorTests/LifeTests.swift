import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// The cluster lives: rollouts, a crash loop, scaling, failing nodes, drift.
@Suite struct LifeTests {
    /// Ten simulated minutes at 100 changes per second.
    static func tenMinutes(seed: UInt64 = 41) -> (changes: [TopologyChange], events: [InfraEvent]) {
        var harness = SimulationHarness(SimulatorConfiguration(seed: seed, changesPerSecond: 100))
        _ = harness.load()
        var changes: [TopologyChange] = []
        var events: [InfraEvent] = []
        for _ in 0..<6_000 {
            let tick = harness.step()
            changes += tick.changes
            events += tick.events
        }
        return (changes, events)
    }

    @Test func rollingUpdatesReplaceReplicaSetsAndPods() {
        let life = Self.tenMinutes()
        let added = life.changes.compactMap(\.entity)
        let removed = Set(
            life.changes.compactMap { change -> String? in
                if case .removeEntity(let id) = change { return id }
                return nil
            })
        #expect(added.contains { $0.kind == .replicaset })
        #expect(removed.contains { $0.hasPrefix("k8s:replicaset/") }, "an old ReplicaSet goes")
        #expect(added.contains { $0.kind == .deployment && $0.status == .processing })
        #expect(added.contains { $0.kind == .pod && $0.status == .pending })
        #expect(added.contains { $0.kind == .pod && $0.status == .terminating })
        #expect(removed.contains { $0.hasPrefix("k8s:pod/") })
    }

    @Test func oneCrashLoopingPodBacksOffAndCountsRestarts() {
        let life = Self.tenMinutes()
        let backOffs = life.events.filter { $0.reason == "BackOff" }
        #expect(backOffs.count >= 10)
        #expect(Set(backOffs.map(\.entityID)).count == 1)
        let id = backOffs[0].entityID
        let states = life.changes.compactMap(\.entity).filter { $0.id == id }
        let restarts = states.compactMap { $0.customMetrics["restarts"] }
        #expect(restarts == restarts.sorted(), "restarts only go up")
        #expect((restarts.last ?? 0) > (restarts.first ?? 0))
        #expect(states.contains { $0.status == .failed } && states.contains { $0.status == .pending })
    }

    @Test func deploymentsScaleUpAndDown() {
        let messages = Self.tenMinutes().events.filter { $0.reason == "ScalingReplicaSet" }.map(\.message)
        #expect(messages.contains { $0.hasPrefix("Scaled up") })
        #expect(messages.contains { $0.hasPrefix("Scaled down") })
    }

    @Test func nodesFailAndRecover() {
        let life = Self.tenMinutes()
        let notReady = life.events.filter { $0.reason == "NodeNotReady" }
        #expect(!notReady.isEmpty)
        #expect(notReady.allSatisfy { $0.severity == .critical && $0.entityKind == .node })
        let nodeStates = life.changes.compactMap(\.entity).filter { $0.kind == .node }
        #expect(nodeStates.contains { $0.status == .failed })
        #expect(life.events.contains { $0.reason == "NodeReady" })
        #expect(life.changes.compactMap(\.entity).contains { $0.kind == .pod && $0.status == .unknown })
    }

    @Test func metricsDriftAndTrafficChanges() {
        let life = Self.tenMinutes()
        let cpu = Set(
            life.changes.compactMap(\.entity).filter { $0.kind == .pod && $0.status == .running }.map(\.cpuPercent))
        #expect(cpu.count > 100)
        let traffic = life.changes.compactMap(\.connection).filter { $0.kind == .http || $0.kind == .grpc }
        #expect(traffic.count > 50)
        #expect(life.changes.compactMap(\.entity).contains { $0.kind == .natsSubject })
    }

    @Test func cronJobsRunJobsToCompletion() {
        let life = Self.tenMinutes()
        #expect(life.events.contains { $0.reason == "SuccessfulCreate" && $0.entityKind == .cronjob })
        #expect(life.events.contains { $0.reason == "Completed" && $0.entityKind == .job })
        #expect(life.changes.compactMap(\.entity).contains { $0.kind == .job && $0.status == .processing })
    }
}
