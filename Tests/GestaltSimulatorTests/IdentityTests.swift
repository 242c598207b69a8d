import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// Ids follow PROTOCOL.md, for the initial cluster and for what life adds.
@Suite struct IdentityTests {
    /// Everything the simulation emits in its load and its first minute of churn.
    static func emitted() -> (entities: [Entity], connections: [Connection]) {
        var harness = SimulationHarness(SimulatorConfiguration(seed: 21, changesPerSecond: 200, size: 800, churn: true))
        var changes = harness.load().changes
        for _ in 0..<600 { changes += harness.step().changes }
        return (changes.compactMap(\.entity), changes.compactMap(\.connection))
    }

    static func isDNSName(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }
    }

    @Test func entityIDsFollowTheProtocol() {
        for entity in Self.emitted().entities {
            #expect(entity.source == "simulator")
            switch entity.kind {
            case .node, .namespace:
                #expect(entity.id == "k8s:\(entity.kind.rawValue)/\(entity.name)")
                #expect(Self.isDNSName(Substring(entity.name)), "\(entity.id)")
            case .container:
                let pod = entity.annotations["pod"] ?? ""
                #expect(entity.id == "k8s:container/\(entity.namespace ?? "")/\(pod)/\(entity.name)")
            case .natsSubject, .natsStream:
                #expect(entity.id == "nats:\(entity.kind.rawValue)/\(entity.name)")
                #expect(entity.namespace == nil)
            case .database:
                #expect(entity.id == "pg:database/\(entity.name)")
                #expect(entity.namespace == nil)
            case .custom:
                Issue.record("the simulator has no custom entities: \(entity.id)")
            default:
                let namespace = entity.namespace ?? ""
                #expect(entity.id == "k8s:\(entity.kind.rawValue)/\(namespace)/\(entity.name)")
                #expect(Self.isDNSName(Substring(namespace)) && Self.isDNSName(Substring(entity.name)), "\(entity.id)")
            }
            if entity.kind == .namespace { #expect(entity.namespace == entity.name) }
        }
    }

    @Test func connectionIDsFollowTheProtocol() {
        for connection in Self.emitted().connections {
            #expect(connection.id == "\(connection.sourceID)->\(connection.targetID):\(connection.kind.rawValue)")
        }
    }

    @Test func podNamesAreShapedLikeKubernetesNames() {
        let pods = Self.emitted().entities.filter { $0.kind == .pod && $0.labels["pod-template-hash"] != nil }
        #expect(!pods.isEmpty)
        for pod in pods {
            // <deployment>-<pod-template-hash>-<5 characters>
            let hash = pod.labels["pod-template-hash"] ?? ""
            #expect(pod.name.hasPrefix("\(pod.labels["app"] ?? "")-\(hash)-"), "\(pod.name)")
            #expect(pod.name.split(separator: "-").last?.count == 5, "\(pod.name)")
        }
    }
}
