import GestaltModel

/// Builds what workloads use: services, ingresses, configuration, volumes,
/// and the Postgres and NATS beside the cluster.
extension SimulatedCluster {
    func addService(_ name: String, in namespace: String, headless: Bool) -> String {
        let id = Entity.kubernetesID(kind: .service, namespace: namespace, name: name)
        if mirror.contains(id) { return id }
        mirror.add(
            Entity(
                id: id, kind: .service, name: name, namespace: namespace, source: Self.source, labels: ["app": name],
                annotations: ["type": "ClusterIP", "cluster_ip": headless ? "None" : KubeNames.clusterIP(using: &rng)],
                createdAt: ago(days: 5...60)
            ))
        return id
    }

    func addConfigMap(_ name: String, in namespace: String, app: String) -> String {
        let id = Entity.kubernetesID(kind: .configmap, namespace: namespace, name: name)
        if mirror.contains(id) { return id }
        mirror.add(
            Entity(
                id: id, kind: .configmap, name: name, namespace: namespace, source: Self.source, labels: ["app": app],
                customMetrics: ["keys": Double(rng.int(1...12))], createdAt: ago(days: 1...60)
            ))
        return id
    }

    /// Metadata only: PROTOCOL.md forbids secret values anywhere.
    func addSecret(_ name: String, type: String, in namespace: String, app: String) -> String {
        let id = Entity.kubernetesID(kind: .secret, namespace: namespace, name: name)
        if mirror.contains(id) { return id }
        mirror.add(
            Entity(
                id: id, kind: .secret, name: name, namespace: namespace, source: Self.source, labels: ["app": app],
                annotations: ["type": type], customMetrics: ["keys": Double(rng.int(1...6))],
                createdAt: ago(days: 1...90)
            ))
        return id
    }

    /// A PersistentVolumeClaim (kind `volume`, PROTOCOL.md).
    func addVolume(_ name: String, in namespace: String, app: String, gibibytes: Int64, accessMode: String) -> String {
        let id = Entity.kubernetesID(kind: .volume, namespace: namespace, name: name)
        if mirror.contains(id) { return id }
        let capacity = Double(gibibytes << 30)
        mirror.add(
            Entity(
                id: id, kind: .volume, name: name, namespace: namespace, source: Self.source, labels: ["app": app],
                annotations: ["storage_class": "gp3", "access_mode": accessMode, "phase": "Bound"],
                customMetrics: [
                    "capacity_bytes": capacity, "used_bytes": (capacity * rng.double(0.1...0.6)).rounded(),
                ],
                createdAt: ago(days: 5...60)
            ))
        metricEntities.append(id)
        return id
    }

    func buildIngress(_ name: String, host: String, service: String, in namespace: String) {
        let id = Entity.kubernetesID(kind: .ingress, namespace: namespace, name: name)
        guard !mirror.contains(id) else { return }
        mirror.add(
            Entity(
                id: id, kind: .ingress, name: name, namespace: namespace, source: Self.source, labels: ["app": service],
                annotations: ["host": host, "ingress_class": "nginx", "backend": service], createdAt: ago(days: 5...60)
            ))
        ownedByNamespace(id, namespace)
        let tls = addSecret("\(name)-tls", type: "kubernetes.io/tls", in: namespace, app: service)
        mirror.connect(Connection(sourceID: id, targetID: tls, kind: .depends))
    }

    func buildDatabase(_ name: String) {
        let id = TrafficSpec.database(name)
        guard !mirror.contains(id) else { return }
        let memoryLimit: Int64 = 8 << 30
        mirror.add(
            Entity(
                id: id, kind: .database, name: name, source: Self.source,
                labels: ["engine": "postgres", "version": "16.4"],
                annotations: ["host": "\(name).db.internal", "port": "5432"],
                memoryBytes: Int64(Double(memoryLimit) * rng.double(0.4...0.7)), memoryLimit: memoryLimit,
                customMetrics: [
                    "connections": Double(rng.int(10...60)), "max_connections": 200, "qps": Double(rng.int(50...600)),
                    "storage_bytes": Double(rng.int(1...80)) * 1_073_741_824,
                    "replication_lag_ms": Double(rng.int(0...30)),
                ],
                createdAt: ago(days: 30...400)
            ))
        metricEntities.append(id)
    }

    func buildStream(_ name: String, subjects: [String]) {
        let id = TrafficSpec.stream(name)
        guard !mirror.contains(id) else { return }
        let messages = Double(rng.int(10_000...5_000_000))
        mirror.add(
            Entity(
                id: id, kind: .natsStream, name: name, source: Self.source, labels: ["retention": "limits"],
                annotations: ["subjects": subjects.joined(separator: ","), "storage": "file", "replicas": "3"],
                customMetrics: [
                    "messages": messages, "bytes": messages * 512, "consumers": Double(rng.int(1...4)),
                    "msgs_per_sec": Double(rng.int(5...120)),
                ],
                createdAt: ago(days: 10...200)
            ))
        metricEntities.append(id)
        for subject in subjects {
            let subjectID = TrafficSpec.subject(subject)
            if !mirror.contains(subjectID) {
                mirror.add(
                    Entity(
                        id: subjectID, kind: .natsSubject, name: subject, source: Self.source, labels: ["stream": name],
                        customMetrics: [
                            "msgs_per_sec": Double(rng.int(2...120)), "pending": 0,
                            "subscribers": Double(rng.int(1...3)),
                        ],
                        createdAt: ago(days: 10...200)
                    ))
                metricEntities.append(subjectID)
            }
            let rate = rng.double(2...120)
            mirror.connect(
                Connection(
                    sourceID: subjectID, targetID: id, kind: .nats, requestsPerSec: rate,
                    bytesPerSec: rate * rng.double(200...2_000), latencyMs: rng.double(0.2...2)))
        }
    }
}
