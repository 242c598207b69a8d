/// Who created a pod, so its end can be reported to its owner.
enum PodOwner: Hashable {
    case replicaSet(deployment: Int, hash: String)
    case statefulSet(Int)
    case daemonSet(Int)
    case job(cronJob: Int)
}

/// A live pod: what the simulator needs beyond its entity.
struct PodRecord {
    let id: String
    let name: String
    let namespace: String
    let owner: PodOwner
    let node: Int
    let containerIDs: [String]
    let serviceID: String?
    let serving: Bool
    let baseCPU: Double
    let baseMemory: Double
}
