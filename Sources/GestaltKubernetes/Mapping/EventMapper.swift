import GestaltModel

/// Turns a Kubernetes event into an InfraEvent, with a severity from its
/// type and reason: Normal is info, Warning is a warning, and reasons that
/// mean something broke or was killed rank higher.
struct EventMapper: Sendable {
    var naming = KubernetesNaming()

    static let errorReasons: Set<String> = [
        "BackOff", "CrashLoopBackOff", "Failed", "FailedScheduling", "FailedMount", "FailedAttachVolume",
        "FailedCreate",
        "FailedCreatePodSandBox", "Unhealthy", "ProgressDeadlineExceeded", "FailedSync", "BackoffLimitExceeded",
        "ErrImagePull",
        "ImagePullBackOff",
    ]
    static let criticalReasons: Set<String> = [
        "OOMKilling", "SystemOOM", "NodeNotReady", "Evicted", "EvictionThresholdMet", "Rebooted", "NodeHasDiskPressure",
        "FreeDiskSpaceFailed",
    ]

    func infraEvent(for object: KubeObject) -> InfraEvent? {
        guard case .event(let info) = object.payload else { return nil }
        let kind = ResourceKind.entityKind(forObjectKind: info.objectKind) ?? .custom
        let clusterScoped = kind == .node || kind == .namespace
        let namespace = clusterScoped ? nil : (info.objectNamespace ?? object.metadata.namespace)
        return InfraEvent(
            type: info.type, reason: info.reason, message: info.message,
            entityID: naming.id(kind, namespace, info.objectName),
            entityKind: kind, entityName: info.objectName, severity: severity(type: info.type, reason: info.reason),
            timestamp: info.lastSeen ?? .now()
        )
    }

    func severity(type: String, reason: String) -> Severity {
        if Self.criticalReasons.contains(reason) { return .critical }
        if type == "Warning" { return Self.errorReasons.contains(reason) ? .error : .warning }
        return .info
    }
}
