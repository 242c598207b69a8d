import GestaltModel

/// The Kubernetes event reasons the simulator reports, each with its event
/// type (`Normal` or `Warning`) and the severity Gestalt gives it.
enum KubeReason: String {
    case scheduled = "Scheduled"
    case pulled = "Pulled"
    case created = "Created"
    case started = "Started"
    case killing = "Killing"
    case scalingReplicaSet = "ScalingReplicaSet"
    case successfulCreate = "SuccessfulCreate"
    case completed = "Completed"
    case sawCompletedJob = "SawCompletedJob"
    case registeredNode = "RegisteredNode"
    case nodeReady = "NodeReady"
    case backOff = "BackOff"
    case unhealthy = "Unhealthy"
    case oomKilling = "OOMKilling"
    case nodeNotReady = "NodeNotReady"
    /// Not a Kubernetes reason: the NATS side's name for a consumer falling behind.
    case slowConsumer = "SlowConsumer"

    var type: String {
        switch self {
        case .scheduled, .pulled, .created, .started, .killing, .scalingReplicaSet, .successfulCreate,
            .completed, .sawCompletedJob, .registeredNode, .nodeReady:
            "Normal"
        case .backOff, .unhealthy, .oomKilling, .nodeNotReady, .slowConsumer:
            "Warning"
        }
    }

    var severity: Severity {
        switch self {
        case .scheduled, .pulled, .created, .started, .killing, .scalingReplicaSet, .successfulCreate,
            .completed, .sawCompletedJob, .registeredNode, .nodeReady:
            .info
        case .backOff, .unhealthy, .slowConsumer: .warning
        case .oomKilling: .error
        case .nodeNotReady: .critical
        }
    }
}
