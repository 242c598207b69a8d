import GestaltLayout
import GestaltModel

/// Small Kubernetes-shaped graphs and helpers shared by the layout tests.
enum TestGraph {
    static let created = Timestamp(millisecondsSince1970: 1_790_000_000_000)

    static func entity(_ kind: EntityKind, _ name: String, in namespace: String?) -> Entity {
        Entity(
            id: Entity.kubernetesID(kind: kind, namespace: namespace, name: name), kind: kind, name: name,
            namespace: namespace, source: "kubernetes", createdAt: created)
    }

    /// `namespaces` namespaces, each with deployments owning pods and a
    /// service per deployment; neighbouring services talk over HTTP.
    static func make(
        namespaces: Int = 4, deployments: Int = 5, pods: Int = 4
    ) -> (entities: [Entity], connections: [Connection]) {
        var entities: [Entity] = []
        var connections: [Connection] = []
        for n in 0..<namespaces {
            let ns = "ns-\(n)"
            entities.append(entity(.namespace, ns, in: nil))
            var previousService: Entity?
            for d in 0..<deployments {
                let deployment = entity(.deployment, "app-\(d)", in: ns)
                let service = entity(.service, "app-\(d)", in: ns)
                entities.append(deployment)
                entities.append(service)
                for p in 0..<pods {
                    let pod = entity(.pod, "app-\(d)-\(p)", in: ns)
                    entities.append(pod)
                    connections.append(Connection(sourceID: deployment.id, targetID: pod.id, kind: .owns))
                    connections.append(Connection(sourceID: service.id, targetID: pod.id, kind: .network))
                }
                if let previousService {
                    connections.append(Connection(sourceID: service.id, targetID: previousService.id, kind: .http))
                }
                previousService = service
            }
        }
        return (entities, connections)
    }

    static func settledLayout(seed: UInt64 = 1) -> ForceLayout {
        var layout = ForceLayout(configuration: LayoutConfiguration(seed: seed))
        let graph = make()
        layout.sync(entities: graph.entities, connections: graph.connections)
        settle(&layout)
        return layout
    }

    /// Steps until settled; returns the number of steps taken.
    @discardableResult
    static func settle(_ layout: inout ForceLayout, maxSteps: Int = 5000) -> Int {
        var steps = 0
        repeat {
            layout.step()
            steps += 1
        } while !layout.isSettled && steps < maxSteps
        return steps
    }

    static func positions(_ layout: ForceLayout) -> [String: SIMD3<Double>] {
        var result: [String: SIMD3<Double>] = [:]
        for id in layout.entityIDs { result[id] = layout.position(of: id) }
        return result
    }

    static func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let d = a - b
        return (d * d).sum().squareRoot()
    }

    static func centroid(_ points: [SIMD3<Double>]) -> SIMD3<Double> {
        points.reduce(.zero, +) / Double(max(points.count, 1))
    }
}
