/// What we keep of a deployment, replica set, stateful set, daemon set, job or cron job.
struct WorkloadInfo: Sendable, Hashable {
    var desired: Int
    var ready: Int
    var updated: Int
    var available: Int
    /// The controller has not yet seen the latest spec.
    var staleGeneration: Bool
    /// Progressing=False (ProgressDeadlineExceeded) or a Failed job condition.
    var failed: Bool
    /// A job that completed, or a suspended cron job.
    var finished: Bool
    var active: Int
}

/// The wire form shared by the workload kinds; each reads the fields it has.
struct WireWorkload: Decodable {
    struct Condition: Decodable { var type: String; var status: String; var reason: String? }
    struct Spec: Decodable { var replicas: Int?; var suspend: Bool?; var completions: Int? }
    struct Status: Decodable {
        var replicas: Int?
        var readyReplicas: Int?
        var updatedReplicas: Int?
        var availableReplicas: Int?
        var observedGeneration: Int64?
        var desiredNumberScheduled: Int?
        var numberReady: Int?
        var updatedNumberScheduled: Int?
        var numberAvailable: Int?
        var active: Int?
        var succeeded: Int?
        var failed: Int?
        var conditions: [Condition]?
    }

    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    func info(for resource: ResourceKind) -> WorkloadInfo {
        let conditions = status?.conditions ?? []
        func condition(_ type: String) -> String? { conditions.first { $0.type == type }?.status }
        let stale = (status?.observedGeneration).map { $0 < metadata.generation } ?? false
        switch resource {
        case .daemonsets:
            let desired = status?.desiredNumberScheduled ?? 0
            return WorkloadInfo(
                desired: desired, ready: status?.numberReady ?? 0, updated: status?.updatedNumberScheduled ?? desired,
                available: status?.numberAvailable ?? 0, staleGeneration: stale, failed: false, finished: false,
                active: 0
            )
        case .jobs:
            return WorkloadInfo(
                desired: spec?.completions ?? 1, ready: status?.succeeded ?? 0, updated: 0, available: 0,
                staleGeneration: false,
                failed: condition("Failed") == "True", finished: condition("Complete") == "True",
                active: status?.active ?? 0
            )
        case .cronjobs:
            return WorkloadInfo(
                desired: 0, ready: 0, updated: 0, available: 0, staleGeneration: false, failed: false,
                finished: spec?.suspend ?? false, active: 0
            )
        default:
            let desired = spec?.replicas ?? 1
            let progressing = conditions.first { $0.type == "Progressing" }
            return WorkloadInfo(
                desired: desired, ready: status?.readyReplicas ?? 0, updated: status?.updatedReplicas ?? 0,
                available: status?.availableReplicas ?? 0, staleGeneration: stale,
                failed: progressing?.status == "False" && progressing?.reason == "ProgressDeadlineExceeded",
                finished: false, active: 0
            )
        }
    }
}
