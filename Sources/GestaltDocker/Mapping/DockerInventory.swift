/// What the engine holds now, as the session last saw it: containers by
/// id, networks and volumes by name, and each running container's metrics.
/// The session owns one and changes it from lists, events and stats.
package struct DockerInventory: Sendable {
    package var containers: [String: ContainerSummary] = [:]
    package var networks: [String: NetworkSummary] = [:]
    package var volumes: [String: VolumeSummary] = [:]
    package var metrics: [String: ContainerMetrics] = [:]

    package init() {}

    package init(containers: [ContainerSummary], networks: [NetworkSummary], volumes: [VolumeSummary]) {
        self.containers = Dictionary(containers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.networks = Dictionary(networks.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.volumes = Dictionary(volumes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Takes a fresh list, keeping the metrics of containers that are still there.
    package mutating func replace(with other: DockerInventory) {
        let kept = metrics.filter { other.containers[$0.key] != nil }
        self = other
        metrics = kept
    }
}
