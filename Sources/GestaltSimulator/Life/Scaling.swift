import GestaltModel

/// Scaling up and down around each deployment's usual size, as an
/// autoscaler would.
extension SimulatedCluster {
    func scaleRandomDeployment() {
        guard !deployments.isEmpty else { return }
        let index = rng.below(deployments.count)
        let deployment = deployments[index]
        guard !deployment.rollingOut, !deployment.crashLoop, !deployment.churn else { return }
        let replicas = deployment.replicas
        let base = deployment.baseReplicas
        let canGrow = replicas < base + 2
        let canShrink = replicas > max(1, base - 1)
        let grow = canGrow && (!canShrink || rng.chance(replicas <= base ? 0.7 : 0.3))
        if grow {
            deployments[index].replicas += 1
            spawnReplica(of: index)
        } else if canShrink {
            deployments[index].replicas -= 1
            // The ReplicaSet controller deletes pods that are not ready first, then the newest.
            let pods = deployment.current.pods
            let victim = pods.last { mirror[$0]?.status != .running } ?? pods.last
            if let victim { terminatePod(victim) }
        } else {
            return
        }
        let desired = deployments[index].replicas
        mirror.update(deployment.id, now: now) { $0.customMetrics["replicas"] = Double(desired) }
        replicaSetScaled(index, replicaSet: deployments[index].replicaSets.count - 1)
    }
}
