import GestaltModel

/// Now and then a worker node stops reporting: NotReady, its running pods
/// unknown; some seconds later it is back and so are they.
extension SimulatedCluster {
    func failRandomNode() {
        guard workerCount > 1, failedNodes < max(1, workerCount / 20) else { return }
        let index = rng.below(workerCount)
        guard nodes[index].ready else { return }
        nodes[index].ready = false
        failedNodes += 1
        let node = nodes[index]
        mirror.update(node.id, now: now) { $0.status = .failed }
        event(
            .nodeNotReady, "Node \(node.name) status is now: NodeNotReady", about: node.id, kind: .node, name: node.name
        )
        for podID in node.pods where mirror[podID]?.status == .running {
            mirror.update(podID, now: now) { $0.status = .unknown }
        }
        after(rng.millis(15...45), .nodeRecovered(node: index))
    }

    func recoverNode(_ index: Int) {
        guard !nodes[index].ready else { return }
        nodes[index].ready = true
        failedNodes -= 1
        let node = nodes[index]
        mirror.update(node.id, now: now) { $0.status = .running }
        event(.nodeReady, "Node \(node.name) status is now: NodeReady", about: node.id, kind: .node, name: node.name)
        var rollouts: [Int] = []
        for podID in node.pods where mirror[podID]?.status == .unknown {
            mirror.update(podID, now: now) { $0.status = .running }
            if case .replicaSet(let deployment, _) = pods[podID]?.owner, deployments[deployment].rollingOut,
                !rollouts.contains(deployment)
            {
                rollouts.append(deployment)
            }
        }
        for deployment in rollouts { advanceRollout(deployment) }
    }
}
