import GestaltModel

/// Namespaces made up from word lists, for clusters larger than the
/// hand-written catalogue: each is a small product team's services, with
/// the same shapes (gateway, API, workers, a cache, a database, NATS).
enum SyntheticCatalogue {
    private static let teams = [
        "billing", "ledger", "identity", "profile", "inventory", "shipping", "notify", "media", "reviews",
        "pricing", "fraud", "loyalty", "ads", "feeds", "chat", "maps", "audit", "returns", "tax", "quotes",
    ]
    private static let roles = [
        "api", "worker", "web", "scheduler", "consumer", "sync", "notifier", "exporter", "indexer",
    ]

    /// The `index`-th made-up namespace. `large` clusters get more replicas.
    static func namespace(_ index: Int, large: Bool, previous: String?, using rng: inout SplitMix64) -> NamespaceSpec {
        let team = teams[index % teams.count]
        let name = index < teams.count ? team : "\(team)-\(index / teams.count + 1)"
        let registry = DefaultCatalogue.registry
        let replicas: ClosedRange<Int> = large ? 2...5 : 1...3
        let svc = { (service: String) in TrafficSpec.service(name, service) }

        var parts: [PartSpec] = [.ingress(name: "\(name)-gateway", host: "\(name).example.com", service: "gateway")]
        var traffic: [TrafficSpec] = [
            TrafficSpec(
                from: TrafficSpec.ingress(name, "\(name)-gateway"), to: svc("gateway"), kind: .http,
                requestsPerSec: rng.double(20...300), latencyMs: rng.double(10...60))
        ]
        parts.append(
            .deployment(
                DeploymentSpec(
                    name: "gateway", replicas: rng.int(replicas), repository: "\(registry)/\(team)/gateway",
                    sidecar: rng.chance(0.3) ? "envoy" : nil, cpu: rng.double(10...40)
                )))
        var services = ["gateway"]
        let roleCount = rng.int(2...6)
        var order = roles
        for i in 0..<roleCount {
            order.swapAt(i, i + rng.below(order.count - i))
            let role = order[i]
            parts.append(
                .deployment(
                    DeploymentSpec(
                        name: role, replicas: rng.int(replicas), repository: "\(registry)/\(team)/\(role)",
                        serving: role == "api" || role == "web", secret: rng.chance(0.4),
                        volume: rng.chance(0.1) ? "\(role)-data" : nil, cpu: rng.double(5...45),
                        memoryMiB: Int64(rng.pick([128, 256, 512, 1024]))
                    )))
            let from = services[rng.below(services.count)]
            traffic.append(
                TrafficSpec(
                    from: svc(from), to: svc(role), kind: rng.chance(0.5) ? .grpc : .http,
                    requestsPerSec: rng.double(5...150), latencyMs: rng.double(2...80)))
            services.append(role)
        }
        if rng.chance(0.3) {
            parts.append(
                .statefulSet(
                    StatefulSetSpec(
                        name: "redis", replicas: rng.int(1...3), repository: "docker.io/library/redis",
                        storageGiB: 5, cpu: 10, memoryMiB: 512)))
            traffic.append(
                TrafficSpec(
                    from: svc(services[rng.below(services.count)]), to: svc("redis"), kind: .network,
                    requestsPerSec: rng.double(50...800), latencyMs: 0.4))
        }
        if rng.chance(0.4) {
            parts.append(.database(name: name))
            for service in services.prefix(2) {
                traffic.append(
                    TrafficSpec(
                        from: svc(service), to: TrafficSpec.database(name), kind: .network,
                        requestsPerSec: rng.double(5...120), latencyMs: rng.double(1...6)))
            }
        }
        if rng.chance(0.5) {
            let subjects = ["\(name).events", "\(name).commands"]
            parts.append(.natsStream(name: String(name.uppercased().map { $0 == "-" ? "_" : $0 }), subjects: subjects))
            let rate = rng.double(1...60)
            traffic.append(
                TrafficSpec(
                    from: svc(services[0]), to: TrafficSpec.subject(subjects[0]), kind: .nats, requestsPerSec: rate,
                    latencyMs: 0.5))
            traffic.append(
                TrafficSpec(
                    from: TrafficSpec.subject(subjects[0]), to: svc(services[services.count - 1]), kind: .nats,
                    requestsPerSec: rate, latencyMs: 1))
        }
        if rng.chance(0.25) {
            parts.append(
                .cronJob(
                    CronJobSpec(name: "cleanup", schedule: "*/30 * * * *", repository: "\(registry)/\(team)/cleanup")))
        }
        if let previous, rng.chance(0.3) {
            traffic.append(
                TrafficSpec(
                    from: svc(services[rng.below(services.count)]), to: TrafficSpec.service(previous, "gateway"),
                    kind: .grpc, requestsPerSec: rng.double(1...40), latencyMs: rng.double(5...50)))
        }
        return NamespaceSpec(name: name, parts: parts, traffic: traffic)
    }
}
