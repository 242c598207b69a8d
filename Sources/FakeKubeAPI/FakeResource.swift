/// One served Kubernetes resource type: where it lives in the URL space and
/// what its objects are called.
public struct FakeResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group (`/api/v1`).
    public let group: String
    public let version: String
    /// The lower-case plural in URLs, e.g. `pods`.
    public let plural: String
    /// The object kind, e.g. `Pod`; lists are `<Kind>List`.
    public let kind: String
    public let namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/<group>/<version>`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public static let nodes = FakeResource(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    public static let namespaces = FakeResource(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let pods = FakeResource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let services = FakeResource(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    public static let configMaps = FakeResource(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let secrets = FakeResource(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let persistentVolumeClaims = FakeResource(
        group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true
    )
    public static let events = FakeResource(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let deployments = FakeResource(
        group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    public static let replicaSets = FakeResource(
        group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true)
    public static let statefulSets = FakeResource(
        group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true)
    public static let daemonSets = FakeResource(
        group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true)
    public static let jobs = FakeResource(group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true)
    public static let cronJobs = FakeResource(
        group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true)
    public static let ingresses = FakeResource(
        group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress", namespaced: true
    )
    public static let endpointSlices = FakeResource(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true
    )

    /// Every resource the fake serves.
    public static let all: [FakeResource] = [
        .nodes, .namespaces, .pods, .services, .configMaps, .secrets, .persistentVolumeClaims, .events,
        .deployments, .replicaSets, .statefulSets, .daemonSets, .jobs, .cronJobs, .ingresses, .endpointSlices,
    ]
}
