import GestaltModel

/// One namespace of the cluster to build: its parts in the order they are
/// built (building stops part-way when the size is reached), and the
/// traffic between parts, added at the end where both ends were built.
struct NamespaceSpec {
    var name: String
    var parts: [PartSpec]
    var traffic: [TrafficSpec] = []
}

enum PartSpec {
    case deployment(DeploymentSpec)
    case statefulSet(StatefulSetSpec)
    case daemonSet(DaemonSetSpec)
    case cronJob(CronJobSpec)
    case ingress(name: String, host: String, service: String)
    case database(name: String)
    case natsStream(name: String, subjects: [String])
}

struct DeploymentSpec {
    var name: String
    var replicas: Int
    var repository: String
    var serving = true
    var secret = false
    /// A PersistentVolumeClaim all replicas mount.
    var volume: String?
    var sidecar: String?
    var crashLoop = false
    var cpu = 20.0
    var memoryMiB: Int64 = 256
}

struct StatefulSetSpec {
    var name: String
    var replicas: Int
    var repository: String
    var storageGiB: Int64 = 10
    var cpu = 30.0
    var memoryMiB: Int64 = 1024
}

struct DaemonSetSpec {
    var name: String
    var repository: String
    var memoryMiB: Int64 = 128
}

struct CronJobSpec {
    var name: String
    var schedule: String
    var repository: String
}

/// A traffic edge between two parts, by PROTOCOL.md id.
struct TrafficSpec {
    var from: String
    var to: String
    var kind: ConnectionKind
    var requestsPerSec: Double
    var latencyMs: Double

    static func service(_ namespace: String, _ name: String) -> String {
        Entity.kubernetesID(kind: .service, namespace: namespace, name: name)
    }

    static func ingress(_ namespace: String, _ name: String) -> String {
        Entity.kubernetesID(kind: .ingress, namespace: namespace, name: name)
    }

    static func subject(_ name: String) -> String { "nats:\(EntityKind.natsSubject.rawValue)/\(name)" }
    static func stream(_ name: String) -> String { "nats:\(EntityKind.natsStream.rawValue)/\(name)" }
    static func database(_ name: String) -> String { "pg:\(EntityKind.database.rawValue)/\(name)" }
}
