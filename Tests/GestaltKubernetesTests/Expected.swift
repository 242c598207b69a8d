import FakeKubeAPI
import GestaltModel

/// The topology a fake cluster should become, worked out independently of
/// the source's mapping, straight from the objects' JSON.
struct Expected {
    var entityIDs: Set<String> = []
    var connectionIDs: Set<String> = []

    static let kinds: [(FakeResource, EntityKind)] = [
        (.namespaces, .namespace), (.nodes, .node), (.pods, .pod), (.services, .service), (.configMaps, .configmap),
        (.secrets, .secret), (.persistentVolumeClaims, .volume), (.deployments, .deployment),
        (.replicaSets, .replicaset),
        (.statefulSets, .statefulset), (.daemonSets, .daemonset), (.jobs, .job), (.cronJobs, .cronjob),
        (.ingresses, .ingress),
    ]

    init(cluster: FakeCluster, namespaces: Set<String>? = nil) {
        let kindByName = [
            "Deployment": EntityKind.deployment, "ReplicaSet": .replicaset, "StatefulSet": .statefulset,
            "DaemonSet": .daemonset, "Job": .job, "CronJob": .cronjob,
        ]
        var objects: [(EntityKind, [String: Any])] = []
        for (resource, kind) in Self.kinds {
            for object in cluster.objects(resource) {
                let ns = (object["metadata"] as? [String: Any])?["namespace"] as? String
                if let namespaces, resource.namespaced, !namespaces.contains(ns ?? "") { continue }
                objects.append((kind, object))
                entityIDs.insert(Self.id(kind, object))
            }
        }
        func link(_ source: String, _ target: String, _ kind: ConnectionKind) {
            if entityIDs.contains(source), entityIDs.contains(target) {
                connectionIDs.insert(Connection.id(source: source, target: target, kind: kind))
            }
        }
        for (kind, object) in objects {
            let meta = object["metadata"] as? [String: Any] ?? [:]
            let ns = meta["namespace"] as? String
            let selfID = Self.id(kind, object)
            for owner in meta["ownerReferences"] as? [[String: Any]] ?? [] {
                if let ownerKind = kindByName[owner["kind"] as? String ?? ""] {
                    link(
                        Entity.kubernetesID(kind: ownerKind, namespace: ns, name: owner["name"] as? String ?? ""),
                        selfID, .owns)
                }
            }
            let spec = object["spec"] as? [String: Any] ?? [:]
            switch kind {
            case .service:
                guard let selector = spec["selector"] as? [String: String], !selector.isEmpty else { break }
                for (podKind, pod) in objects where podKind == .pod {
                    let podMeta = pod["metadata"] as? [String: Any] ?? [:]
                    let labels = podMeta["labels"] as? [String: String] ?? [:]
                    if podMeta["namespace"] as? String == ns, selector.allSatisfy({ labels[$0.key] == $0.value }) {
                        link(selfID, Self.id(.pod, pod), .network)
                    }
                }
            case .ingress:
                for rule in spec["rules"] as? [[String: Any]] ?? [] {
                    for path in (rule["http"] as? [String: Any])?["paths"] as? [[String: Any]] ?? [] {
                        let name =
                            ((path["backend"] as? [String: Any])?["service"] as? [String: Any])?["name"] as? String
                            ?? ""
                        link(selfID, Entity.kubernetesID(kind: .service, namespace: ns, name: name), .http)
                    }
                }
            case .pod:
                for volume in spec["volumes"] as? [[String: Any]] ?? [] {
                    if let claim = (volume["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String {
                        link(selfID, Entity.kubernetesID(kind: .volume, namespace: ns, name: claim), .volume)
                    }
                    if let name = (volume["configMap"] as? [String: Any])?["name"] as? String {
                        link(selfID, Entity.kubernetesID(kind: .configmap, namespace: ns, name: name), .depends)
                    }
                    if let name = (volume["secret"] as? [String: Any])?["secretName"] as? String {
                        link(selfID, Entity.kubernetesID(kind: .secret, namespace: ns, name: name), .depends)
                    }
                }
                for container in spec["containers"] as? [[String: Any]] ?? [] {
                    for env in container["env"] as? [[String: Any]] ?? [] {
                        let from = env["valueFrom"] as? [String: Any] ?? [:]
                        if let name = (from["secretKeyRef"] as? [String: Any])?["name"] as? String {
                            link(selfID, Entity.kubernetesID(kind: .secret, namespace: ns, name: name), .depends)
                        }
                        if let name = (from["configMapKeyRef"] as? [String: Any])?["name"] as? String {
                            link(selfID, Entity.kubernetesID(kind: .configmap, namespace: ns, name: name), .depends)
                        }
                    }
                    for from in container["envFrom"] as? [[String: Any]] ?? [] {
                        if let name = (from["configMapRef"] as? [String: Any])?["name"] as? String {
                            link(selfID, Entity.kubernetesID(kind: .configmap, namespace: ns, name: name), .depends)
                        }
                        if let name = (from["secretRef"] as? [String: Any])?["name"] as? String {
                            link(selfID, Entity.kubernetesID(kind: .secret, namespace: ns, name: name), .depends)
                        }
                    }
                }
            default:
                break
            }
        }
    }

    static func id(_ kind: EntityKind, _ object: [String: Any]) -> String {
        let meta = object["metadata"] as? [String: Any] ?? [:]
        let clusterScoped = kind == .node || kind == .namespace
        return Entity.kubernetesID(
            kind: kind, namespace: clusterScoped ? nil : meta["namespace"] as? String,
            name: meta["name"] as? String ?? "")
    }
}
