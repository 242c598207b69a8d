import GestaltModel

/// Our topology as the Constellation dashboard (design doc 003) sees it: a
/// forest of `HierarchyNode`s, one per namespace, each holding its
/// namespace's resources as `relatives`. Constellation's own node is
/// `{"kind": ResourceKind, "name": String, "relatives": [HierarchyNode]}`
/// with `ResourceKind` a plain serde enum (so `"Pod"`, `"Service"`).
///
/// Nesting follows ownership: a namespace's top level is every resource no
/// other resource of the namespace `owns` (workloads, services, ...); a
/// workload's relatives are what it owns (its pods, their containers); a
/// service's relatives are the pods it sends traffic to, as leaves.
struct ConstellationHierarchy {
    struct Node {
        let kind: String
        let name: String
        var relatives: [Node]
    }

    let nodes: [Node]

    init(_ topology: Topology) {
        var byNamespace: [String: [Entity]] = [:]
        var namespaceNames = Set<String>()
        for entity in topology.entities {
            if entity.kind == .namespace {
                namespaceNames.insert(entity.name)
            } else if let namespace = entity.namespace {
                namespaceNames.insert(namespace)
                byNamespace[namespace, default: []].append(entity)
            }
        }
        let entities = Dictionary(topology.entities.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var owned: [String: [String]] = [:]
        var routed: [String: [String]] = [:]
        var hasOwner = Set<String>()
        for connection in topology.connections {
            guard let source = entities[connection.sourceID], let target = entities[connection.targetID],
                source.kind != .namespace, source.namespace != nil, source.namespace == target.namespace
            else { continue }
            if connection.kind == .owns {
                owned[source.id, default: []].append(target.id)
                hasOwner.insert(target.id)
            } else if source.kind == .service, target.kind == .pod {
                routed[source.id, default: []].append(target.id)
            }
        }
        func node(_ entity: Entity, visiting: Set<String>) -> Node {
            var visiting = visiting
            visiting.insert(entity.id)
            var relatives: [Node] = []
            for id in (owned[entity.id] ?? []).sorted() where !visiting.contains(id) {
                if let child = entities[id] { relatives.append(node(child, visiting: visiting)) }
            }
            for id in (routed[entity.id] ?? []).sorted() {
                if let pod = entities[id] {
                    relatives.append(Node(kind: Self.resourceKind(pod.kind), name: pod.name, relatives: []))
                }
            }
            return Node(kind: Self.resourceKind(entity.kind), name: entity.name, relatives: relatives)
        }
        nodes = namespaceNames.sorted().map { namespace in
            let top = (byNamespace[namespace] ?? []).filter { !hasOwner.contains($0.id) }.sorted {
                ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name)
            }
            return Node(kind: "Namespace", name: namespace, relatives: top.map { node($0, visiting: []) })
        }
    }

    /// A leaf node for one entity (what `ResourceAdded`/`ResourceUpdated` carry).
    static func leaf(_ entity: Entity) -> Node {
        Node(kind: resourceKind(entity.kind), name: entity.name, relatives: [])
    }

    /// Constellation's `ResourceKind` names (`Namespace`, `Service`, `Pod`),
    /// extended in the same spelling to the kinds we have and it lacks.
    static func resourceKind(_ kind: EntityKind) -> String {
        switch kind {
        case .namespace: "Namespace"
        case .pod: "Pod"
        case .service: "Service"
        case .deployment: "Deployment"
        case .container: "Container"
        case .natsSubject: "NatsSubject"
        case .natsStream: "NatsStream"
        case .database: "Database"
        case .volume: "Volume"
        case .configmap: "ConfigMap"
        case .secret: "Secret"
        case .ingress: "Ingress"
        case .node: "Node"
        case .replicaset: "ReplicaSet"
        case .statefulset: "StatefulSet"
        case .daemonset: "DaemonSet"
        case .job: "Job"
        case .cronjob: "CronJob"
        default: "Custom"
        }
    }
}

extension ConstellationHierarchy.Node: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("kind"); w.string(kind)
        w.key("name"); w.string(name)
        w.key("relatives"); w.beginArray()
        for relative in relatives { relative.write(to: &w) }
        w.endArray()
        w.endObject()
    }
}

extension ConstellationHierarchy: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginArray()
        for node in nodes { node.write(to: &w) }
        w.endArray()
    }
}
