/// A StatefulSet: stable pod names, one volume per pod.
struct StatefulSetRecord {
    let id: String
    let namespace: String
    let name: String
    var pods: [String]
}

/// A DaemonSet: one pod per worker node.
struct DaemonSetRecord {
    let id: String
    let namespace: String
    let name: String
    var template: PodTemplate
    var pods: [String]
}

/// A CronJob and its latest Job (kept after it completes, as Kubernetes
/// keeps job history, until the next run replaces it).
struct CronJobRecord {
    let id: String
    let namespace: String
    let name: String
    var template: PodTemplate
    var jobID: String?
    var jobName: String?
    var podID: String?
    var active = false
}

/// A node and the pods scheduled on it.
struct NodeRecord {
    let id: String
    let name: String
    let isControlPlane: Bool
    var ready = true
    /// In scheduling order; arrays keep node failures deterministic.
    var pods: [String] = []
}
