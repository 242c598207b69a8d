import GestaltModel

/// Builds the initial cluster: nodes, then the hand-written namespaces, then
/// made-up ones, part by part until the configured size is reached, then
/// the traffic between whatever was built.
extension SimulatedCluster {
    func build() {
        let target = configuration.size
        buildNodes(workers: max(3, Int((Double(target) / 70).rounded())))
        var traffic: [TrafficSpec] = []
        var built: [String] = []
        for spec in DefaultCatalogue.namespaces where mirror.entityCount < target {
            buildNamespace(spec, target: target)
            traffic += spec.traffic
            built.append(spec.name)
        }
        var index = 0
        while mirror.entityCount < target {
            let spec = SyntheticCatalogue.namespace(index, large: target > 2_000, previous: built.last, using: &rng)
            buildNamespace(spec, target: target)
            traffic += spec.traffic
            built.append(spec.name)
            index += 1
        }
        for edge in traffic where mirror.contains(edge.from) && mirror.contains(edge.to) {
            let bytesPerRequest = edge.kind == .nats ? rng.double(200...2_000) : rng.double(500...8_000)
            mirror.connect(
                Connection(
                    sourceID: edge.from, targetID: edge.to, kind: edge.kind, requestsPerSec: edge.requestsPerSec,
                    bytesPerSec: edge.requestsPerSec * bytesPerRequest, errorRate: edge.kind == .nats ? 0 : 0.001,
                    latencyMs: edge.latencyMs
                ))
        }
        if configuration.churn { startChurn(in: built) }
        startCrashLoops()
        announceStart()
    }

    private func buildNodes(workers: Int) {
        let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        for index in 0...workers {
            let controlPlane = index == workers
            let name = controlPlane ? "control-plane-1" : "worker-\(index + 1)"
            let id = Entity.kubernetesID(kind: .node, namespace: nil, name: name)
            let role = controlPlane ? "node-role.kubernetes.io/control-plane" : "node-role.kubernetes.io/worker"
            let capacity: Int64 = controlPlane ? 8 << 30 : 32 << 30
            mirror.add(
                Entity(
                    id: id, kind: .node, name: name, source: Self.source,
                    labels: [
                        "kubernetes.io/hostname": name, role: "", "kubernetes.io/arch": "amd64",
                        "topology.kubernetes.io/zone": zones[index % zones.count],
                    ],
                    annotations: [
                        "kubelet_version": "v1.31.4", "instance_type": controlPlane ? "m6i.large" : "m6i.2xlarge",
                    ],
                    cpuPercent: rng.double(15...55), memoryBytes: Int64(Double(capacity) * rng.double(0.35...0.7)),
                    memoryLimit: capacity, customMetrics: ["pods_capacity": 110],
                    createdAt: ago(days: 20...90)
                ))
            nodes.append(NodeRecord(id: id, name: name, isControlPlane: controlPlane))
        }
    }

    private func buildNamespace(_ spec: NamespaceSpec, target: Int) {
        let namespaceID = Entity.kubernetesID(kind: .namespace, namespace: nil, name: spec.name)
        if !mirror.contains(namespaceID) {
            mirror.add(
                Entity(
                    id: namespaceID, kind: .namespace, name: spec.name, namespace: spec.name, source: Self.source,
                    labels: ["kubernetes.io/metadata.name": spec.name], createdAt: ago(days: 10...60)
                ))
        }
        for part in spec.parts where mirror.entityCount < target {
            switch part {
            case .deployment(let deployment): buildDeployment(deployment, in: spec.name)
            case .statefulSet(let statefulSet): buildStatefulSet(statefulSet, in: spec.name)
            case .daemonSet(let daemonSet): buildDaemonSet(daemonSet, in: spec.name)
            case .cronJob(let cronJob): buildCronJob(cronJob, in: spec.name)
            case .ingress(let name, let host, let service):
                buildIngress(name, host: host, service: service, in: spec.name)
            case .database(let name): buildDatabase(name)
            case .natsStream(let name, let subjects): buildStream(name, subjects: subjects)
            }
        }
    }

    /// `--demo-churn`: every deployment of the first few namespaces rolls
    /// over and over, starting within a few seconds.
    private func startChurn(in namespaces: [String]) {
        let churning = namespaces.filter { name in
            name != "kube-system" && deployments.contains { $0.namespace == name && !$0.crashLoop }
        }.prefix(3)
        for index in deployments.indices
        where churning.contains(deployments[index].namespace) && !deployments[index].crashLoop {
            deployments[index].churn = true
            after(rng.millis(0.2...3), .startRollout(deployment: index))
        }
    }

    private func startCrashLoops() {
        for deployment in deployments where deployment.crashLoop {
            for podID in deployment.current.pods {
                if let record = pods[podID], let main = record.containerIDs.first.flatMap({ mirror[$0] }) {
                    // It has been crashing for a while already.
                    let restarts = Double(rng.int(3...8))
                    mirror.update(record.id, now: now) { $0.customMetrics["restarts"] = restarts }
                    mirror.update(main.id, now: now) { $0.customMetrics["restarts"] = restarts }
                    crash(record, container: main)
                }
                after(rng.millis(3...8), .crashLoop(pod: podID))
            }
        }
    }

    /// A few events, so that the event feed is not empty at first.
    private func announceStart() {
        for node in nodes.prefix(5) {
            event(
                .registeredNode, "Node \(node.name) event: Registered Node \(node.name) in Controller", about: node.id,
                kind: .node, name: node.name)
            event(
                .nodeReady, "Node \(node.name) status is now: NodeReady", about: node.id, kind: .node, name: node.name)
        }
        for deployment in deployments.prefix(10) {
            event(
                .scalingReplicaSet, "Scaled up replica set \(deployment.current.name) to \(deployment.replicas)",
                about: deployment.id, kind: .deployment, name: deployment.name)
        }
    }

    /// A creation time some days before the start.
    func ago(days: ClosedRange<Double>) -> Timestamp {
        Timestamp(millisecondsSince1970: nowMillis - rng.millis(days.lowerBound * 86_400...days.upperBound * 86_400))
    }

    func ago(hours: ClosedRange<Double>) -> Timestamp {
        Timestamp(millisecondsSince1970: nowMillis - rng.millis(hours.lowerBound * 3_600...hours.upperBound * 3_600))
    }
}
