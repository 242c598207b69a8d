import GestaltModel

/// What every pod of one workload looks like: its containers, what it
/// depends on, and its baseline load (the centre of its metric drift).
struct PodTemplate {
    struct Container {
        var name: String
        var image: String
        var memoryLimit: Int64
    }

    /// A configmap, secret or volume the pod uses, and the edge kind to it.
    struct Dependency {
        var id: String
        var kind: ConnectionKind
    }

    var namespace: String
    var app: String
    /// The first container is the workload's own; the others are sidecars.
    var containers: [Container]
    var dependencies: [Dependency]
    /// The service whose endpoints include the pod once it runs.
    var serviceID: String?
    /// Serving pods report an `error_rate`.
    var serving: Bool
    /// Baseline CPU, in percent of the pod's limit.
    var baseCPU: Double
    /// Baseline memory, as a fraction of the limit.
    var baseMemory: Double

    var memoryLimit: Int64 { containers.reduce(0) { $0 + $1.memoryLimit } }
}
