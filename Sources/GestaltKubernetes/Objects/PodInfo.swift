/// What we keep of a pod: its state, what it uses, and what it asks for.
struct PodInfo: Sendable, Hashable {
    var phase: String
    var nodeName: String?
    /// A waiting or terminated reason that means the pod is broken (CrashLoopBackOff…).
    var failureReason: String?
    var readyContainers: Int
    var containers: Int
    var restarts: Int
    var claims: [String]
    var configMaps: [String]
    var secrets: [String]
    var cpuRequestMillicores: Double
    var cpuLimitMillicores: Double
    var memoryLimitBytes: Int64
}

/// The wire form of a Pod, reduced to the fields PodInfo needs; env values are never decoded.
struct WirePod: Decodable {
    struct Reference: Decodable { var name: String? }
    struct SecretVolume: Decodable { var secretName: String? }
    struct ClaimVolume: Decodable { var claimName: String }
    struct Projection: Decodable { var configMap: Reference?; var secret: Reference? }
    struct Projected: Decodable { var sources: [Projection]? }
    struct Volume: Decodable {
        var persistentVolumeClaim: ClaimVolume?
        var configMap: Reference?
        var secret: SecretVolume?
        var projected: Projected?
    }
    struct KeyRefs: Decodable { var configMapKeyRef: Reference?; var secretKeyRef: Reference? }
    struct EnvVar: Decodable { var valueFrom: KeyRefs? }
    struct EnvFrom: Decodable { var configMapRef: Reference?; var secretRef: Reference? }
    struct Resources: Decodable { var requests: [String: String]?; var limits: [String: String]? }
    struct Container: Decodable { var env: [EnvVar]?; var envFrom: [EnvFrom]?; var resources: Resources? }
    struct Spec: Decodable {
        var nodeName: String?
        var volumes: [Volume]?
        var containers: [Container]?
        var initContainers: [Container]?
    }
    struct Reason: Decodable { var reason: String? }
    struct State: Decodable { var waiting: Reason?; var terminated: Reason? }
    struct ContainerStatus: Decodable { var ready: Bool?; var restartCount: Int?; var state: State? }
    struct Status: Decodable { var phase: String?; var reason: String?; var containerStatuses: [ContainerStatus]? }

    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    /// Waiting or terminated reasons that make a pod `failed` on the map.
    static let failureReasons: Set<String> = [
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "CreateContainerError",
        "InvalidImageName", "RunContainerError", "OOMKilled", "Evicted",
    ]

    var info: PodInfo {
        let containers = spec?.containers ?? []
        let all = containers + (spec?.initContainers ?? [])
        var configMaps = Set<String>(), secrets = Set<String>(), claims = Set<String>()
        for volume in spec?.volumes ?? [] {
            if let claim = volume.persistentVolumeClaim?.claimName { claims.insert(claim) }
            if let name = volume.configMap?.name { configMaps.insert(name) }
            if let name = volume.secret?.secretName { secrets.insert(name) }
            for source in volume.projected?.sources ?? [] {
                if let name = source.configMap?.name { configMaps.insert(name) }
                if let name = source.secret?.name { secrets.insert(name) }
            }
        }
        for container in all {
            for env in container.env ?? [] {
                if let name = env.valueFrom?.configMapKeyRef?.name { configMaps.insert(name) }
                if let name = env.valueFrom?.secretKeyRef?.name { secrets.insert(name) }
            }
            for from in container.envFrom ?? [] {
                if let name = from.configMapRef?.name { configMaps.insert(name) }
                if let name = from.secretRef?.name { secrets.insert(name) }
            }
        }
        let statuses = status?.containerStatuses ?? []
        let reasons =
            statuses.flatMap { [$0.state?.waiting?.reason, $0.state?.terminated?.reason].compactMap { $0 } }
            + [status?.reason].compactMap { $0 }
        func sum(_ pick: (Resources) -> String?, _ parse: (String) -> Double?) -> Double {
            containers.reduce(0) { $0 + ($1.resources.flatMap(pick).flatMap(parse) ?? 0) }
        }
        return PodInfo(
            phase: status?.phase ?? "Pending", nodeName: spec?.nodeName,
            failureReason: reasons.first(where: Self.failureReasons.contains),
            readyContainers: statuses.filter { $0.ready == true }.count, containers: containers.count,
            restarts: statuses.reduce(0) { $0 + ($1.restartCount ?? 0) },
            claims: claims.sorted(), configMaps: configMaps.sorted(), secrets: secrets.sorted(),
            cpuRequestMillicores: sum({ $0.requests?["cpu"] }, Quantity.millicores),
            cpuLimitMillicores: sum({ $0.limits?["cpu"] }, Quantity.millicores),
            memoryLimitBytes: Int64(sum({ $0.limits?["memory"] }, { Quantity.bytes($0).map(Double.init) }))
        )
    }
}
