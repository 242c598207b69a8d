package import GestaltModel

/// A Kubernetes-shaped graph of any size, for benchmarks and tests.
///
/// Namespaces of about a thousand entities each hold deployments that own
/// two to eight pods, a service per deployment reaching its pods, HTTP
/// between neighbouring services and, now and then, gRPC to the previous
/// namespace. Entities come in the order a source would send them: an owner
/// before what it owns.
package enum SyntheticTopology {
    package static func make(entities total: Int, seed: UInt64 = 1) -> (entities: [Entity], connections: [Connection]) {
        var entities: [Entity] = []
        var connections: [Connection] = []
        entities.reserveCapacity(total)
        let created = Timestamp(millisecondsSince1970: 1_790_000_000_000)
        let namespaceCount = max(1, total / 1000)
        var previousServices: [String] = []

        func entity(_ kind: EntityKind, _ name: String, in namespace: String?) -> Entity {
            Entity(
                id: Entity.kubernetesID(kind: kind, namespace: namespace, name: name), kind: kind, name: name,
                namespace: namespace, source: "kubernetes", createdAt: created)
        }

        for n in 0..<namespaceCount {
            let remaining = total - entities.count
            guard remaining > 0 else { break }
            let budget = n == namespaceCount - 1 ? remaining : min(remaining, total / namespaceCount)
            let end = entities.count + budget
            let namespace = "ns-\(n)"
            entities.append(entity(.namespace, namespace, in: nil))
            var services: [String] = []
            var d = 0
            while entities.count < end {
                let deployment = entity(.deployment, "app-\(d)", in: namespace)
                entities.append(deployment)
                let replicas = 2 + Int(StableRandom.hash("\(namespace)/\(d)", seed: seed) % 7)
                var pods: [String] = []
                for r in 0..<replicas where entities.count < end {
                    let pod = entity(.pod, "app-\(d)-\(r)", in: namespace)
                    entities.append(pod)
                    pods.append(pod.id)
                    connections.append(Connection(sourceID: deployment.id, targetID: pod.id, kind: .owns))
                }
                if entities.count < end {
                    let service = entity(.service, "app-\(d)", in: namespace)
                    entities.append(service)
                    for pod in pods {
                        connections.append(Connection(sourceID: service.id, targetID: pod, kind: .network))
                    }
                    if let previous = services.last, let caller = pods.first {
                        connections.append(Connection(sourceID: caller, targetID: previous, kind: .http))
                    }
                    if d % 10 == 0, !previousServices.isEmpty, let caller = pods.last {
                        let target = previousServices[d / 10 % previousServices.count]
                        connections.append(Connection(sourceID: caller, targetID: target, kind: .grpc))
                    }
                    services.append(service.id)
                }
                d += 1
            }
            previousServices = services
        }
        return (entities, connections)
    }
}
