import GestaltModel

/// A resource the source lists and watches, with where it lives in the API.
enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    case namespaces, nodes, pods, services, configmaps, secrets, persistentvolumeclaims, events
    case deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, ingresses

    var groupVersionPath: String {
        switch self {
        case .namespaces, .nodes, .pods, .services, .configmaps, .secrets, .persistentvolumeclaims, .events: "/api/v1"
        case .deployments, .replicasets, .statefulsets, .daemonsets: "/apis/apps/v1"
        case .jobs, .cronjobs: "/apis/batch/v1"
        case .ingresses: "/apis/networking.k8s.io/v1"
        }
    }

    var namespaced: Bool { self != .namespaces && self != .nodes }

    /// Secrets are only ever asked for as PartialObjectMetadata, so no secret
    /// value enters the process; config maps too, since we show no data of theirs.
    var metadataOnly: Bool { self == .secrets || self == .configmaps }

    /// The entity kind an object of this resource becomes; nil for events, which become InfraEvents.
    var entityKind: EntityKind? {
        switch self {
        case .namespaces: .namespace
        case .nodes: .node
        case .pods: .pod
        case .services: .service
        case .configmaps: .configmap
        case .secrets: .secret
        case .persistentvolumeclaims: .volume
        case .events: nil
        case .deployments: .deployment
        case .replicasets: .replicaset
        case .statefulsets: .statefulset
        case .daemonsets: .daemonset
        case .jobs: .job
        case .cronjobs: .cronjob
        case .ingresses: .ingress
        }
    }

    /// The collection path, cluster-wide or in one namespace.
    func path(namespace: String?) -> String {
        guard namespaced, let namespace else { return "\(groupVersionPath)/\(rawValue)" }
        return "\(groupVersionPath)/namespaces/\(namespace)/\(rawValue)"
    }

    /// The Accept header: metadata-only resources ask for PartialObjectMetadata(List) and nothing else,
    /// so a server that cannot answer that form fails instead of sending values.
    func accept(watch: Bool) -> String {
        guard metadataOnly else { return "application/json" }
        return watch
            ? "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
            : "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
    }

    /// The entity kind for an involvedObject/ownerReference `kind` such as `ReplicaSet`.
    static func entityKind(forObjectKind kind: String) -> EntityKind? {
        switch kind {
        case "Namespace": .namespace
        case "Node": .node
        case "Pod": .pod
        case "Service": .service
        case "ConfigMap": .configmap
        case "Secret": .secret
        case "PersistentVolumeClaim": .volume
        case "Deployment": .deployment
        case "ReplicaSet": .replicaset
        case "StatefulSet": .statefulset
        case "DaemonSet": .daemonset
        case "Job": .job
        case "CronJob": .cronjob
        case "Ingress": .ingress
        default: nil
        }
    }
}
