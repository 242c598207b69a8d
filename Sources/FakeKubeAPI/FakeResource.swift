/// One served Kubernetes resource type: where it lives in the URL space and
/// what its objects are called.
package struct FakeResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group (`/api/v1`).
    package let group: String
    package let version: String
    /// The lower-case plural in URLs, e.g. `pods`.
    package let plural: String
    /// The object kind, e.g. `Pod`; lists are `<Kind>List`.
    package let kind: String
    package let namespaced: Bool

    package init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    package var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/<group>/<version>`.
    package var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    package var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    package static let nodes = FakeResource(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    package static let namespaces = FakeResource(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    package static let pods = FakeResource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    package static let services = FakeResource(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    package static let configMaps = FakeResource(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    package static let secrets = FakeResource(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    package static let persistentVolumeClaims = FakeResource(
        group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true
    )
    package static let events = FakeResource(
        group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    package static let deployments = FakeResource(
        group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    package static let replicaSets = FakeResource(
        group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true)
    package static let statefulSets = FakeResource(
        group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true)
    package static let daemonSets = FakeResource(
        group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true)
    package static let jobs = FakeResource(group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true)
    package static let cronJobs = FakeResource(
        group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true)
    package static let ingresses = FakeResource(
        group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress", namespaced: true
    )
    package static let endpointSlices = FakeResource(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true
    )

    /// Every resource the fake serves.
    package static let all: [FakeResource] = [
        .nodes, .namespaces, .pods, .services, .configMaps, .secrets, .persistentVolumeClaims, .events,
        .deployments, .replicaSets, .statefulSets, .daemonSets, .jobs, .cronJobs, .ingresses, .endpointSlices,
    ]
}
