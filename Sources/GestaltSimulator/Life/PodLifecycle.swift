import GestaltModel

/// Pods come and go: scheduled (pending), started (running, in their
/// service's endpoints), terminating for a grace period, then gone.
extension SimulatedCluster {
    static let source = "simulator"

    /// Creates a pod with its containers and edges. A pod that is not
    /// `running` starts pending and is scheduled to start.
    @discardableResult
    func spawnPod(
        name: String, template: PodTemplate, owner: PodOwner, ownerID: String, labels: [String: String],
        running: Bool, node fixedNode: Int? = nil, createdAt: Timestamp? = nil
    ) -> String {
        let namespace = template.namespace
        let id = Entity.kubernetesID(kind: .pod, namespace: namespace, name: name)
        let node = fixedNode ?? pickNode()
        let created = createdAt ?? now
        let status: EntityStatus = running ? .running : .pending
        var containerIDs: [String] = []
        var containers: [Entity] = []
        for container in template.containers {
            let containerID = Entity.kubernetesID(
                kind: .container, namespace: namespace, name: "\(name)/\(container.name)")
            containerIDs.append(containerID)
            containers.append(
                Entity(
                    id: containerID, kind: .container, name: container.name, namespace: namespace, source: Self.source,
                    status: status, labels: ["app": template.app],
                    annotations: ["image": container.image, "pod": name],
                    memoryLimit: container.memoryLimit, customMetrics: ["restarts": 0], createdAt: created
                ))
        }
        var annotations = ["node": nodes[node].name]
        if let image = template.containers.first?.image { annotations["image"] = image }
        var metrics = ["restarts": 0.0]
        if template.serving { metrics["error_rate"] = 0 }
        mirror.add(
            Entity(
                id: id, kind: .pod, name: name, namespace: namespace, source: Self.source, status: status,
                labels: labels, annotations: annotations, memoryLimit: template.memoryLimit, customMetrics: metrics,
                createdAt: created
            ))
        for container in containers { mirror.add(container) }
        mirror.connect(Connection(sourceID: ownerID, targetID: id, kind: .owns))
        for containerID in containerIDs { mirror.connect(Connection(sourceID: id, targetID: containerID, kind: .owns)) }
        for dependency in template.dependencies {
            let io = dependency.kind == .volume
            mirror.connect(
                Connection(
                    sourceID: id, targetID: dependency.id, kind: dependency.kind,
                    requestsPerSec: io ? rng.double(5...200) : 0, bytesPerSec: io ? rng.double(50_000...5_000_000) : 0,
                    latencyMs: io ? rng.double(0.5...4) : 0
                ))
        }
        if case .daemonSet = owner {
            mirror.connect(Connection(sourceID: id, targetID: nodes[node].id, kind: .depends))
        }
        let record = PodRecord(
            id: id, name: name, namespace: namespace, owner: owner, node: node, containerIDs: containerIDs,
            serviceID: template.serviceID, serving: template.serving, baseCPU: template.baseCPU,
            baseMemory: template.baseMemory
        )
        pods[id] = record
        podPool.insert(id)
        nodes[node].pods.append(id)
        if running {
            setRunning(record, startingMetrics: true)
        } else {
            event(
                .scheduled, "Successfully assigned \(namespace)/\(name) to \(nodes[node].name)", about: id, kind: .pod,
                name: name)
            after(pendingDelay(for: owner), .podStarted(pod: id))
        }
        return id
    }

    /// A pending pod's containers have started.
    func podStarted(_ id: String) {
        guard let record = pods[id], mirror[id]?.status == .pending else { return }
        guard nodes[record.node].ready else {
            // The kubelet is not reporting; the pod starts once its node is back.
            after(2_000, .podStarted(pod: id))
            return
        }
        if let main = record.containerIDs.first, let container = mirror[main] {
            let image = container.annotations["image"] ?? ""
            let pull =
                rng.chance(0.5)
                ? "Container image \"\(image)\" already present on machine"
                : "Successfully pulled image \"\(image)\" in \(rng.int(300...4_000))ms"
            event(.pulled, pull, about: id, kind: .pod, name: record.name)
            event(.created, "Created container \(container.name)", about: id, kind: .pod, name: record.name)
            event(.started, "Started container \(container.name)", about: id, kind: .pod, name: record.name)
        }
        setRunning(record, startingMetrics: true)
        switch record.owner {
        case .replicaSet(let deployment, _):
            if deployments[deployment].rollingOut { advanceRollout(deployment) }
        case .job(let cronJob):
            after(rng.millis(5...15), .jobFinished(cronJob: cronJob))
        case .statefulSet, .daemonSet:
            break
        }
    }

    /// Marks the pod and its containers running, with fresh metrics when
    /// asked, and puts it in its service's endpoints.
    func setRunning(_ record: PodRecord, startingMetrics: Bool) {
        var cpu = 0.0
        var memory: Int64 = 0
        for (index, containerID) in record.containerIDs.enumerated() {
            guard let container = mirror[containerID] else { continue }
            var containerCPU = container.cpuPercent
            var containerMemory = container.memoryBytes
            if startingMetrics || containerMemory == 0 {
                let load = index == 0 ? baseline(record) : (cpu: 2.0, memory: 0.4)
                containerCPU = max(0.5, load.cpu + rng.normal() * 2)
                containerMemory = Int64(
                    Double(container.memoryLimit) * min(0.9, max(0.05, load.memory + rng.normal() * 0.03)))
            }
            mirror.update(containerID, now: now) {
                $0.status = .running
                $0.cpuPercent = containerCPU
                $0.memoryBytes = containerMemory
            }
            if index == 0 { cpu = containerCPU }
            memory += containerMemory
        }
        mirror.update(record.id, now: now) {
            $0.status = .running
            $0.cpuPercent = cpu
            $0.memoryBytes = memory
        }
        setEndpoint(record, present: true)
    }

    /// Where a pod's metrics drift back to: its workload's baseline, varied
    /// per pod by a stable hash of its id.
    func baseline(_ record: PodRecord) -> (cpu: Double, memory: Double) {
        let cpu = record.baseCPU * (0.6 + 0.8 * StableHash.unit(record.id))
        let memory = record.baseMemory * (0.8 + 0.4 * StableHash.unit(record.id, salt: 1))
        return (cpu, memory)
    }

    /// A service sends traffic to a pod only while it runs.
    func setEndpoint(_ record: PodRecord, present: Bool) {
        guard let serviceID = record.serviceID, mirror.contains(serviceID) else { return }
        let connectionID = Connection.id(source: serviceID, target: record.id, kind: .network)
        if present {
            guard mirror.connections[connectionID] == nil else { return }
            let rps = rng.double(2...60)
            mirror.connect(
                Connection(
                    sourceID: serviceID, targetID: record.id, kind: .network,
                    requestsPerSec: rps, bytesPerSec: rps * rng.double(800...6_000),
                    errorRate: record.serving ? rng.double(0...0.01) : 0, latencyMs: rng.double(2...40)
                ))
        } else {
            mirror.disconnect(connectionID)
        }
    }

    /// Starts a pod's graceful termination.
    func terminatePod(_ id: String) {
        guard let record = pods[id], let pod = mirror[id], pod.status != .terminating else { return }
        let main = record.containerIDs.first.flatMap { mirror[$0]?.name } ?? record.name
        event(.killing, "Stopping container \(main)", about: id, kind: .pod, name: record.name)
        setEndpoint(record, present: false)
        for containerID in record.containerIDs {
            mirror.update(containerID, now: now) { $0.status = .terminating }
        }
        mirror.update(id, now: now) { $0.status = .terminating }
        if case .replicaSet(let deployment, let hash) = record.owner,
            let index = deployments[deployment].replicaSets.firstIndex(where: { $0.hash == hash })
        {
            deployments[deployment].replicaSets[index].pods.removeAll { $0 == id }
            deployments[deployment].replicaSets[index].terminating += 1
        }
        after(graceDelay(for: record.owner), .podGone(pod: id))
    }

    /// The grace period is over: the pod and its containers are gone.
    func podGone(_ id: String) {
        guard let record = pods[id] else { return }
        removePod(record)
        guard case .replicaSet(let deployment, let hash) = record.owner,
            let index = deployments[deployment].replicaSets.firstIndex(where: { $0.hash == hash })
        else { return }
        deployments[deployment].replicaSets[index].terminating -= 1
        if deployments[deployment].rollingOut { advanceRollout(deployment) }
    }

    /// Removes the pod and its containers; the store removes their edges.
    func removePod(_ record: PodRecord) {
        for containerID in record.containerIDs { mirror.remove(containerID) }
        mirror.remove(record.id)
        pods.removeValue(forKey: record.id)
        podPool.remove(record.id)
        nodes[record.node].pods.removeAll { $0 == record.id }
    }

    /// A ready worker node, chosen at random.
    func pickNode() -> Int {
        let workers = workerCount
        for _ in 0..<8 {
            let candidate = rng.below(workers)
            if nodes[candidate].ready { return candidate }
        }
        return (0..<workers).first { nodes[$0].ready } ?? 0
    }

    var workerCount: Int { nodes.lastIndex { !$0.isControlPlane }.map { $0 + 1 } ?? nodes.count }

    func isChurn(_ owner: PodOwner) -> Bool {
        if case .replicaSet(let deployment, _) = owner { return deployments[deployment].churn }
        return false
    }

    /// Image pull and container start. Under churn some pods run within a
    /// second, which is what the pending-pod smoothing must hide.
    func pendingDelay(for owner: PodOwner) -> Int64 {
        isChurn(owner) ? rng.millis(0.2...1.6) : rng.millis(1.5...6)
    }

    func graceDelay(for owner: PodOwner) -> Int64 {
        isChurn(owner) ? rng.millis(0.3...2.5) : rng.millis(2...8)
    }
}
