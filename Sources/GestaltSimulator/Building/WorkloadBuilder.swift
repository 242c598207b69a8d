import GestaltModel

/// Builds the workloads of the initial cluster, already running.
extension SimulatedCluster {
    func buildDeployment(_ spec: DeploymentSpec, in namespace: String) {
        let id = Entity.kubernetesID(kind: .deployment, namespace: namespace, name: spec.name)
        guard !mirror.contains(id) else { return }
        let version = Version(major: 1, minor: rng.int(0...14), patch: rng.int(0...9))
        let revision = rng.int(1...24)
        let image = "\(spec.repository):\(version)"
        let created = ago(days: 1...40)
        mirror.add(
            Entity(
                id: id, kind: .deployment, name: spec.name, namespace: namespace, source: Self.source,
                labels: ["app": spec.name],
                annotations: ["deployment.kubernetes.io/revision": String(revision), "image": image],
                customMetrics: ["replicas": Double(spec.replicas)], createdAt: created
            ))
        ownedByNamespace(id, namespace)
        var dependencies = [
            PodTemplate.Dependency(
                id: addConfigMap("\(spec.name)-config", in: namespace, app: spec.name), kind: .depends)
        ]
        if spec.secret {
            dependencies.append(
                .init(
                    id: addSecret("\(spec.name)-secrets", type: "Opaque", in: namespace, app: spec.name), kind: .depends
                ))
        }
        if let volume = spec.volume {
            dependencies.append(
                .init(
                    id: addVolume(volume, in: namespace, app: spec.name, gibibytes: 20, accessMode: "ReadWriteMany"),
                    kind: .volume))
        }
        let serviceID = addService(spec.name, in: namespace, headless: false)
        var containers = [PodTemplate.Container(name: spec.name, image: image, memoryLimit: spec.memoryMiB << 20)]
        if let sidecar = spec.sidecar {
            containers.append(.init(name: sidecar, image: "docker.io/envoyproxy/envoy:v1.32.1", memoryLimit: 128 << 20))
        }
        let template = PodTemplate(
            namespace: namespace, app: spec.name, containers: containers, dependencies: dependencies,
            serviceID: serviceID,
            serving: spec.serving, baseCPU: spec.cpu, baseMemory: rng.double(0.35...0.6)
        )
        let index = deployments.count
        deployments.append(
            DeploymentRecord(
                id: id, namespace: namespace, name: spec.name, template: template, repository: spec.repository,
                replicas: spec.replicas, baseReplicas: spec.replicas, revision: revision, version: version,
                replicaSets: [],
                crashLoop: spec.crashLoop
            ))
        addReplicaSet(to: index, createdAt: created)
        let current = deployments[index].current
        for _ in 0..<spec.replicas {
            let name = "\(current.name)-\(KubeNames.podSuffix(using: &rng))"
            guard !mirror.contains(Entity.kubernetesID(kind: .pod, namespace: namespace, name: name)) else { continue }
            let podID = spawnPod(
                name: name, template: template, owner: .replicaSet(deployment: index, hash: current.hash),
                ownerID: current.id,
                labels: ["app": spec.name, "pod-template-hash": current.hash], running: true,
                createdAt: ago(hours: 1...72)
            )
            deployments[index].replicaSets[0].pods.append(podID)
        }
        mirror.update(current.id, now: now) { $0.customMetrics["replicas"] = Double(spec.replicas) }
    }

    func buildStatefulSet(_ spec: StatefulSetSpec, in namespace: String) {
        let id = Entity.kubernetesID(kind: .statefulset, namespace: namespace, name: spec.name)
        guard !mirror.contains(id) else { return }
        let image = "\(spec.repository):\(rng.int(2...9)).\(rng.int(0...20)).\(rng.int(0...9))"
        mirror.add(
            Entity(
                id: id, kind: .statefulset, name: spec.name, namespace: namespace, source: Self.source,
                labels: ["app": spec.name], annotations: ["image": image, "service_name": spec.name],
                customMetrics: ["replicas": Double(spec.replicas)], createdAt: ago(days: 5...60)
            ))
        ownedByNamespace(id, namespace)
        let configMap = addConfigMap("\(spec.name)-config", in: namespace, app: spec.name)
        let serviceID = addService(spec.name, in: namespace, headless: true)
        let index = statefulSets.count
        statefulSets.append(StatefulSetRecord(id: id, namespace: namespace, name: spec.name, pods: []))
        for ordinal in 0..<spec.replicas {
            let name = "\(spec.name)-\(ordinal)"
            let claim = addVolume(
                "data-\(name)", in: namespace, app: spec.name, gibibytes: spec.storageGiB, accessMode: "ReadWriteOnce")
            let template = PodTemplate(
                namespace: namespace, app: spec.name,
                containers: [.init(name: spec.name, image: image, memoryLimit: spec.memoryMiB << 20)],
                dependencies: [.init(id: configMap, kind: .depends), .init(id: claim, kind: .volume)],
                serviceID: serviceID, serving: false, baseCPU: spec.cpu, baseMemory: rng.double(0.45...0.7)
            )
            let podID = spawnPod(
                name: name, template: template, owner: .statefulSet(index), ownerID: id,
                labels: ["app": spec.name, "statefulset.kubernetes.io/pod-name": name], running: true,
                createdAt: ago(hours: 2...400)
            )
            statefulSets[index].pods.append(podID)
        }
    }

    func buildDaemonSet(_ spec: DaemonSetSpec, in namespace: String) {
        let id = Entity.kubernetesID(kind: .daemonset, namespace: namespace, name: spec.name)
        guard !mirror.contains(id) else { return }
        let image = "\(spec.repository):v\(rng.int(1...2)).\(rng.int(0...31)).\(rng.int(0...9))"
        mirror.add(
            Entity(
                id: id, kind: .daemonset, name: spec.name, namespace: namespace, source: Self.source,
                labels: ["app": spec.name], annotations: ["image": image],
                customMetrics: ["desired": Double(workerCount)], createdAt: ago(days: 20...90)
            ))
        ownedByNamespace(id, namespace)
        let template = PodTemplate(
            namespace: namespace, app: spec.name,
            containers: [.init(name: spec.name, image: image, memoryLimit: spec.memoryMiB << 20)],
            dependencies: [], serviceID: nil, serving: false, baseCPU: 3, baseMemory: 0.4
        )
        let index = daemonSets.count
        daemonSets.append(DaemonSetRecord(id: id, namespace: namespace, name: spec.name, template: template, pods: []))
        for node in 0..<workerCount {
            let podID = spawnPod(
                name: "\(spec.name)-\(KubeNames.podSuffix(using: &rng))", template: template, owner: .daemonSet(index),
                ownerID: id,
                labels: ["app": spec.name, "pod-template-generation": "1"], running: true, node: node,
                createdAt: ago(days: 1...20)
            )
            daemonSets[index].pods.append(podID)
        }
    }

    func buildCronJob(_ spec: CronJobSpec, in namespace: String) {
        let id = Entity.kubernetesID(kind: .cronjob, namespace: namespace, name: spec.name)
        guard !mirror.contains(id) else { return }
        let image = "\(spec.repository):\(rng.int(1...3)).\(rng.int(0...9)).0"
        mirror.add(
            Entity(
                id: id, kind: .cronjob, name: spec.name, namespace: namespace, source: Self.source,
                labels: ["app": spec.name], annotations: ["schedule": spec.schedule, "image": image],
                createdAt: ago(days: 5...60)
            ))
        ownedByNamespace(id, namespace)
        let template = PodTemplate(
            namespace: namespace, app: spec.name,
            containers: [.init(name: spec.name, image: image, memoryLimit: 512 << 20)],
            dependencies: [], serviceID: nil, serving: false, baseCPU: 60, baseMemory: 0.5
        )
        let index = cronJobs.count
        cronJobs.append(CronJobRecord(id: id, namespace: namespace, name: spec.name, template: template))
        addJob(
            of: index, name: "\(spec.name)-\(nowMillis / 60_000 - Int64(rng.int(60...1_400)))", active: false,
            createdAt: ago(hours: 1...23))
    }

    func ownedByNamespace(_ id: String, _ namespace: String) {
        mirror.connect(
            Connection(
                sourceID: Entity.kubernetesID(kind: .namespace, namespace: nil, name: namespace), targetID: id,
                kind: .owns))
    }
}
