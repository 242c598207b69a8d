import GestaltModel

/// Rolling updates as the Deployment controller does them with
/// `maxUnavailable: 0`: a new ReplicaSet surges pods; each time one is
/// ready, an old one is terminated; the old ReplicaSet goes when empty.
extension SimulatedCluster {
    func startRandomRollout() {
        guard !deployments.isEmpty, activeRollouts < max(1, deployments.count / 12) else { return }
        let index = rng.below(deployments.count)
        let deployment = deployments[index]
        guard !deployment.churn else { return }
        startRollout(index)
    }

    func startRollout(_ index: Int) {
        let deployment = deployments[index]
        guard !deployment.rollingOut, !deployment.crashLoop else { return }
        if !deployment.churn { activeRollouts += 1 }
        let version = deployment.version.bumped(minor: rng.chance(0.2))
        let image = "\(deployment.repository):\(version)"
        deployments[index].rollingOut = true
        deployments[index].revision += 1
        deployments[index].version = version
        deployments[index].template.containers[0].image = image
        let revision = deployments[index].revision
        addReplicaSet(to: index, createdAt: now)
        mirror.update(deployment.id, now: now) {
            $0.status = .processing
            $0.annotations["deployment.kubernetes.io/revision"] = String(revision)
            $0.annotations["image"] = image
        }
        advanceRollout(index)
    }

    /// Creates the deployment's next ReplicaSet, with no pods yet.
    func addReplicaSet(to index: Int, createdAt: Timestamp) {
        let deployment = deployments[index]
        var hash = KubeNames.templateHash(using: &rng)
        while deployment.replicaSets.contains(where: { $0.hash == hash }) { hash = KubeNames.templateHash(using: &rng) }
        let name = "\(deployment.name)-\(hash)"
        let id = Entity.kubernetesID(kind: .replicaset, namespace: deployment.namespace, name: name)
        mirror.add(
            Entity(
                id: id, kind: .replicaset, name: name, namespace: deployment.namespace, source: Self.source,
                labels: ["app": deployment.template.app, "pod-template-hash": hash],
                annotations: [
                    "deployment.kubernetes.io/revision": String(deployment.revision),
                    "image": deployment.template.containers[0].image,
                ],
                customMetrics: ["replicas": 0], createdAt: createdAt
            ))
        mirror.connect(Connection(sourceID: deployment.id, targetID: id, kind: .owns))
        deployments[index].replicaSets.append(DeploymentRecord.ReplicaSet(hash: hash, id: id, name: name))
    }

    /// One move of the rollout; called when it starts and whenever one of
    /// its pods becomes ready or goes away.
    func advanceRollout(_ index: Int) {
        guard deployments[index].rollingOut else { return }
        removeEmptyOldReplicaSets(index)
        let deployment = deployments[index]
        let replicas = deployment.replicas
        let current = deployment.current
        let olds = deployment.replicaSets.dropLast()
        let oldAlive = olds.reduce(0) { $0 + $1.pods.count }
        let newReady = current.pods.filter { mirror[$0]?.status == .running }.count

        if olds.isEmpty, newReady >= replicas {
            finishRollout(index)
            return
        }
        let surge = deployment.churn ? max(1, (replicas + 1) / 2) : max(1, replicas / 4)
        let scaleUp = min(replicas - current.pods.count, replicas + surge - current.pods.count - oldAlive)
        if scaleUp > 0 {
            for _ in 0..<scaleUp { spawnReplica(of: index) }
            replicaSetScaled(index, replicaSet: deployments[index].replicaSets.count - 1)
        }
        // maxUnavailable 0: an old pod goes only when a new one can take its place.
        var scaleDown = min(oldAlive, oldAlive + newReady - replicas)
        var rsIndex = 0
        while scaleDown > 0, rsIndex < deployments[index].replicaSets.count - 1 {
            let victims = deployments[index].replicaSets[rsIndex].pods.prefix(scaleDown)
            for pod in victims { terminatePod(pod) }
            if !victims.isEmpty { replicaSetScaled(index, replicaSet: rsIndex) }
            scaleDown -= victims.count
            rsIndex += 1
        }
    }

    private func finishRollout(_ index: Int) {
        deployments[index].rollingOut = false
        let deployment = deployments[index]
        if !deployment.churn { activeRollouts -= 1 }
        mirror.update(deployment.id, now: now) { $0.status = .running }
        if deployment.churn {
            after(rng.millis(0.5...3), .startRollout(deployment: index))
        }
    }

    /// Kubernetes keeps old ReplicaSets for rollback; the map keeps none, so
    /// that it shows what runs.
    private func removeEmptyOldReplicaSets(_ index: Int) {
        var rsIndex = 0
        while rsIndex < deployments[index].replicaSets.count - 1 {
            let replicaSet = deployments[index].replicaSets[rsIndex]
            if replicaSet.pods.isEmpty, replicaSet.terminating == 0 {
                mirror.remove(replicaSet.id)
                deployments[index].replicaSets.remove(at: rsIndex)
            } else {
                rsIndex += 1
            }
        }
    }

    /// A new pending pod in the current ReplicaSet.
    func spawnReplica(of index: Int) {
        let deployment = deployments[index]
        let current = deployment.current
        var name = "\(current.name)-\(KubeNames.podSuffix(using: &rng))"
        while mirror.contains(Entity.kubernetesID(kind: .pod, namespace: deployment.namespace, name: name)) {
            name = "\(current.name)-\(KubeNames.podSuffix(using: &rng))"
        }
        let id = spawnPod(
            name: name, template: deployment.template, owner: .replicaSet(deployment: index, hash: current.hash),
            ownerID: current.id, labels: ["app": deployment.template.app, "pod-template-hash": current.hash],
            running: false
        )
        deployments[index].replicaSets[deployments[index].replicaSets.count - 1].pods.append(id)
    }

    /// Reports a ReplicaSet's new size on it and on its deployment.
    func replicaSetScaled(_ index: Int, replicaSet rsIndex: Int) {
        let deployment = deployments[index]
        let replicaSet = deployment.replicaSets[rsIndex]
        let size = replicaSet.pods.count
        let previous = Int(mirror[replicaSet.id]?.customMetrics["replicas"] ?? 0)
        mirror.update(replicaSet.id, now: now) { $0.customMetrics["replicas"] = Double(size) }
        let direction = size >= previous ? "up" : "down"
        event(
            .scalingReplicaSet, "Scaled \(direction) replica set \(replicaSet.name) to \(size)",
            about: deployment.id, kind: .deployment, name: deployment.name)
    }
}
