/// What we keep of a node: readiness and capacity for metrics percentages.
struct NodeInfo: Sendable, Hashable {
    /// The Ready condition's status: "True", "False", "Unknown", or nil when absent.
    var ready: String?
    var unschedulable: Bool
    /// Pressure conditions that are True (MemoryPressure, DiskPressure, PIDPressure).
    var pressures: [String]
    var allocatableMillicores: Double
    var allocatableMemoryBytes: Int64
}

struct WireNode: Decodable {
    struct Condition: Decodable { var type: String; var status: String }
    struct Spec: Decodable { var unschedulable: Bool? }
    struct Status: Decodable { var conditions: [Condition]?; var allocatable: [String: String]? }

    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    var info: NodeInfo {
        let conditions = status?.conditions ?? []
        return NodeInfo(
            ready: conditions.first { $0.type == "Ready" }?.status,
            unschedulable: spec?.unschedulable ?? false,
            pressures: conditions.filter { $0.type.hasSuffix("Pressure") && $0.status == "True" }.map(\.type).sorted(),
            allocatableMillicores: status?.allocatable?["cpu"].flatMap(Quantity.millicores) ?? 0,
            allocatableMemoryBytes: status?.allocatable?["memory"].flatMap(Quantity.bytes) ?? 0
        )
    }
}
