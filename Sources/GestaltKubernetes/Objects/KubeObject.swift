/// One cached object: its metadata and the few fields of its kind that the
/// mapping reads. Equality is what "a real difference" means on relist.
struct KubeObject: Sendable, Hashable {
    var resource: ResourceKind
    var metadata: ObjectMeta
    var payload: Payload

    enum Payload: Sendable, Hashable {
        /// Metadata is all we keep (config maps, secrets).
        case none
        case pod(PodInfo)
        case service(selector: [String: String]?)
        case workload(WorkloadInfo)
        case ingress(backendServices: [String])
        case claim(phase: String)
        case node(NodeInfo)
        case namespace(phase: String)
        case event(EventInfo)
    }
}
