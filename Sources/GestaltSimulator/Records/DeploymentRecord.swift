/// A Deployment with its ReplicaSets, oldest first; the last is current.
struct DeploymentRecord {
    struct ReplicaSet {
        let hash: String
        let id: String
        let name: String
        /// Pods that are pending or running (not terminating).
        var pods: [String] = []
        /// Pods that are terminating and not gone yet.
        var terminating = 0
    }

    let id: String
    let namespace: String
    let name: String
    var template: PodTemplate
    /// The main container's image, without its tag.
    let repository: String
    /// Desired replicas.
    var replicas: Int
    /// Where scaling returns to.
    let baseReplicas: Int
    var revision: Int
    var version: Version
    var replicaSets: [ReplicaSet]
    var rollingOut = false
    /// Rolls over and over, quickly (`--demo-churn`).
    var churn = false
    /// Its one pod is in CrashLoopBackOff; it neither rolls nor scales.
    var crashLoop = false

    var current: ReplicaSet { replicaSets[replicaSets.count - 1] }
}

/// A semantic version for images, bumped by each rollout.
struct Version: Hashable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int

    var description: String { "\(major).\(minor).\(patch)" }

    func bumped(minor bumpMinor: Bool) -> Version {
        bumpMinor
            ? Version(major: major, minor: minor + 1, patch: 0) : Version(major: major, minor: minor, patch: patch + 1)
    }
}
