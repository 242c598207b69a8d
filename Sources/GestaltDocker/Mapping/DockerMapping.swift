package import GestaltEngine
package import GestaltModel

/// Maps the engine's objects to entities and connections (docs/DOCKER.md):
///
/// - a container is a `container` entity `docker:container/<name>`, its
///   compose project (label `com.docker.compose.project`) in `namespace`;
/// - a network is a `network` entity `docker:network/<name>` (not `none`,
///   which means "no network": 200 `--network none` containers would
///   otherwise hang off one meaningless hub);
/// - a volume is a `volume` entity `docker:volume/<name>`;
/// - a compose project is a `custom` entity `docker:project/<name>`.
///
/// Edges: container → network (`network`), container → volume (`volume`),
/// container → its project (`depends`).
package struct DockerMapping: Sendable {
    package static let composeProjectLabel = "com.docker.compose.project"
    /// Annotation keys the mapping sets on container entities.
    package static let idAnnotation = "docker.id"
    package static let imageAnnotation = "docker.image"
    package static let stateAnnotation = "docker.state"
    package static let exitCodeAnnotation = "docker.exit_code"
    package static let healthAnnotation = "docker.health"
    /// Rates, where Entity's own network fields hold cumulative totals.
    package static let rxRateMetric = "network_rx_bytes_per_second"
    package static let txRateMetric = "network_tx_bytes_per_second"
    package static let pidsMetric = "pids"

    package let instance: SourceInstance
    private let prefix: String

    package init(instance: SourceInstance) {
        self.instance = instance
        self.prefix = instance.idPrefix("docker")
    }

    package func containerID(name: String) -> String { "\(prefix):container/\(name)" }
    package func networkID(name: String) -> String { "\(prefix):network/\(name)" }
    package func volumeID(name: String) -> String { "\(prefix):volume/\(name)" }
    package func projectID(name: String) -> String { "\(prefix):project/\(name)" }

    /// The whole picture of `inventory`.
    package func snapshot(of inventory: DockerInventory) -> SourceSnapshot {
        var entities: [Entity] = []
        var connections: [Connection] = []
        var projects: Set<String> = []
        for network in inventory.networks.values where network.name != "none" {
            entities.append(entity(for: network))
        }
        for volume in inventory.volumes.values {
            entities.append(entity(for: volume))
        }
        for container in inventory.containers.values {
            let entity = entity(for: container, metrics: inventory.metrics[container.id])
            entities.append(entity)
            for name in container.networks.keys where name != "none" && inventory.networks[name] != nil {
                connections.append(Connection(sourceID: entity.id, targetID: networkID(name: name), kind: .network))
            }
            for name in container.volumes where inventory.volumes[name] != nil {
                connections.append(Connection(sourceID: entity.id, targetID: volumeID(name: name), kind: .volume))
            }
            if let project = container.composeProject {
                projects.insert(project)
                connections.append(Connection(sourceID: entity.id, targetID: projectID(name: project), kind: .depends))
            }
        }
        for project in projects {
            entities.append(
                Entity(
                    id: projectID(name: project), kind: .custom, name: project, namespace: project,
                    source: instance.description,
                    labels: [Self.composeProjectLabel: project], createdAt: Timestamp(millisecondsSince1970: 0)
                ))
        }
        return SourceSnapshot(entities: entities, connections: connections)
    }

    package func entity(for container: ContainerSummary, metrics: ContainerMetrics?) -> Entity {
        var annotations = [
            Self.idAnnotation: String(container.id.prefix(12)),
            Self.imageAnnotation: container.image,
            Self.stateAnnotation: container.state,
        ]
        if let code = container.exitCode { annotations[Self.exitCodeAnnotation] = String(code) }
        if let health = container.health { annotations[Self.healthAnnotation] = health }
        var entity = Entity(
            id: containerID(name: container.name), kind: .container, name: container.name,
            namespace: container.composeProject,
            source: instance.description, status: Self.status(of: container), labels: container.labels,
            annotations: annotations,
            createdAt: Timestamp(millisecondsSince1970: container.created * 1000)
        )
        if let metrics, container.state == "running" || container.state == "paused" {
            entity.cpuPercent = metrics.cpuPercent
            entity.memoryBytes = metrics.memoryBytes
            entity.memoryLimit = metrics.memoryLimit
            entity.networkRxBytes = metrics.networkRxBytes
            entity.networkTxBytes = metrics.networkTxBytes
            if let rate = metrics.networkRxBytesPerSecond { entity.customMetrics[Self.rxRateMetric] = rate }
            if let rate = metrics.networkTxBytesPerSecond { entity.customMetrics[Self.txRateMetric] = rate }
            if let pids = metrics.pids { entity.customMetrics[Self.pidsMetric] = Double(pids) }
        }
        return entity
    }

    /// Running is running unless its health check fails; a clean exit is
    /// `unknown` (stopped, nothing wrong), a non-zero exit or `dead` is `failed`.
    package static func status(of container: ContainerSummary) -> EntityStatus {
        switch container.state {
        case "running": container.health == "unhealthy" ? .failed : .running
        case "created", "restarting": .pending
        case "removing": .terminating
        case "exited": (container.exitCode ?? 0) == 0 ? .unknown : .failed
        case "dead": .failed
        default: .unknown
        }
    }

    package func entity(for network: NetworkSummary) -> Entity {
        Entity(
            id: networkID(name: network.name), kind: .network, name: network.name,
            namespace: network.labels[Self.composeProjectLabel],
            source: instance.description, labels: network.labels,
            annotations: [
                Self.idAnnotation: String(network.id.prefix(12)), "docker.driver": network.driver,
                "docker.internal": String(network.isInternal),
            ],
            createdAt: Timestamp(millisecondsSince1970: 0)
        )
    }

    package func entity(for volume: VolumeSummary) -> Entity {
        Entity(
            id: volumeID(name: volume.name), kind: .volume, name: volume.name,
            namespace: volume.labels[Self.composeProjectLabel],
            source: instance.description, labels: volume.labels, annotations: ["docker.driver": volume.driver],
            createdAt: Timestamp(millisecondsSince1970: 0)
        )
    }
}
