import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// `--demo-churn`: pods cycling pending → running → terminating → gone,
/// quickly, in a few namespaces.
@Suite struct ChurnTests {
    struct PodHistory {
        var pendingAt: Int64?
        var runningAt: Int64?
        var terminatingAt: Int64?
        var goneAt: Int64?
    }

    /// One simulated minute of pod transitions, by pod id.
    static func minute(churn: Bool) -> [String: PodHistory] {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 51, changesPerSecond: 20, churn: churn))
        _ = harness.load()
        var pods: [String: PodHistory] = [:]
        for step in 1...600 {
            let time = SimulationHarness.time(afterSteps: step).millisecondsSince1970
            for change in harness.step().changes {
                switch change {
                case .upsertEntity(let entity, _) where entity.kind == .pod:
                    switch entity.status {
                    case .pending: pods[entity.id, default: PodHistory()].pendingAt = pods[entity.id]?.pendingAt ?? time
                    case .running: pods[entity.id, default: PodHistory()].runningAt = pods[entity.id]?.runningAt ?? time
                    case .terminating: pods[entity.id, default: PodHistory()].terminatingAt = time
                    default: break
                    }
                case .removeEntity(let id) where id.hasPrefix("k8s:pod/"):
                    pods[id, default: PodHistory()].goneAt = time
                default:
                    break
                }
            }
        }
        return pods
    }

    @Test func churnCyclesManyPodsThroughTheirWholeLife() {
        let pods = Self.minute(churn: true)
        let born = pods.values.filter { $0.pendingAt != nil }
        let terminated = pods.values.filter { $0.terminatingAt != nil }
        let gone = pods.values.filter { $0.goneAt != nil }
        #expect(born.count >= 60)
        #expect(terminated.count >= 60)
        #expect(gone.count >= 50)
        let quick = born.filter { history in
            guard let pending = history.pendingAt, let running = history.runningAt else { return false }
            return running - pending < 1_000
        }
        #expect(quick.count >= 10, "some pods are pending for less than a second")
        // k8s:pod/<namespace>/<name>
        var birthsByNamespace: [Substring: Int] = [:]
        for (id, history) in pods where history.pendingAt != nil {
            birthsByNamespace[id.split(separator: "/")[1], default: 0] += 1
        }
        let busiest = birthsByNamespace.values.sorted(by: >).prefix(3).reduce(0, +)
        #expect(Double(busiest) >= 0.9 * Double(born.count), "churn stays in a few namespaces: \(birthsByNamespace)")
    }

    @Test func withoutChurnPodsComeAndGoAtAWalk() {
        let calm = Self.minute(churn: false)
        let busy = Self.minute(churn: true)
        #expect(calm.values.filter { $0.pendingAt != nil }.count * 5 < busy.values.filter { $0.pendingAt != nil }.count)
    }
}
