import GestaltEngine
import GestaltModel

/// Builds the entities and connections of one namespace (or of the cluster
/// scope) from the cache. Every relation we draw stays inside a namespace,
/// so a namespace can be rebuilt alone and diffed against its last picture.
struct TopologyProjection: Sendable {
    let mapper: EntityMapper

    init(naming: KubernetesNaming = KubernetesNaming()) {
        self.mapper = EntityMapper(naming: naming)
    }

    func snapshot(of partition: ObjectCache.Partition, usage: (String, String) -> PodUsage?) -> SourceSnapshot {
        var entities: [String: Entity] = [:]
        for objects in partition.objects.values {
            for object in objects.values {
                let meta = object.metadata
                let podUsage = object.resource == .pods ? meta.namespace.flatMap { usage($0, meta.name) } : nil
                if let entity = mapper.entity(for: object, usage: podUsage) { entities[entity.id] = entity }
            }
        }
        var connections: [Connection] = []
        func connect(_ source: String, _ target: String, _ kind: ConnectionKind) {
            // The store refuses a connection with a missing end; draw only those whose ends we show.
            guard entities[source] != nil, entities[target] != nil else { return }
            connections.append(Connection(sourceID: source, targetID: target, kind: kind))
        }
        func id(_ kind: EntityKind, _ namespace: String?, _ name: String) -> String {
            mapper.naming.id(kind, namespace, name)
        }
        let pods = partition.of(.pods).values
        for objects in partition.objects.values {
            for object in objects.values {
                guard let kind = object.resource.entityKind else { continue }
                let namespace = object.resource.namespaced ? object.metadata.namespace : nil
                let selfID = id(kind, namespace, object.metadata.name)
                for owner in object.metadata.ownerReferences {
                    guard let ownerKind = ResourceKind.entityKind(forObjectKind: owner.kind) else { continue }
                    connect(id(ownerKind, namespace, owner.name), selfID, .owns)
                }
                switch object.payload {
                case .pod(let pod):
                    for claim in pod.claims { connect(selfID, id(.volume, namespace, claim), .volume) }
                    for name in pod.configMaps { connect(selfID, id(.configmap, namespace, name), .depends) }
                    for name in pod.secrets { connect(selfID, id(.secret, namespace, name), .depends) }
                case .service(let selector):
                    // A service without a selector has hand-made endpoints; we draw none for it.
                    guard let selector, !selector.isEmpty else { break }
                    for pod in pods where selector.allSatisfy({ pod.metadata.labels[$0.key] == $0.value }) {
                        connect(selfID, id(.pod, namespace, pod.metadata.name), .network)
                    }
                case .ingress(let backends):
                    for service in backends { connect(selfID, id(.service, namespace, service), .http) }
                default:
                    break
                }
            }
        }
        return SourceSnapshot(entities: Array(entities.values), connections: connections)
    }
}
