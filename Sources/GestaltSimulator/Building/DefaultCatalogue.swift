import GestaltModel

/// The hand-written cluster a small demo shows: a shop, its payments, NATS
/// and Postgres, monitoring and search. Ordered so that every entity and
/// connection kind appears within the first 150 or so entities.
enum DefaultCatalogue {
    static let registry = "registry.example.com"

    static var namespaces: [NamespaceSpec] {
        [kubeSystem, shop, payments, messaging, analytics, monitoring, search]
    }

    private static func http(_ from: String, _ to: String, _ rps: Double, _ latency: Double) -> TrafficSpec {
        TrafficSpec(from: from, to: to, kind: .http, requestsPerSec: rps, latencyMs: latency)
    }

    private static func grpc(_ from: String, _ to: String, _ rps: Double, _ latency: Double) -> TrafficSpec {
        TrafficSpec(from: from, to: to, kind: .grpc, requestsPerSec: rps, latencyMs: latency)
    }

    private static func sql(_ from: String, _ database: String, _ qps: Double) -> TrafficSpec {
        TrafficSpec(from: from, to: TrafficSpec.database(database), kind: .network, requestsPerSec: qps, latencyMs: 2)
    }

    private static func publish(_ from: String, _ subject: String, _ rate: Double) -> TrafficSpec {
        TrafficSpec(from: from, to: TrafficSpec.subject(subject), kind: .nats, requestsPerSec: rate, latencyMs: 0.5)
    }

    private static func consume(_ subject: String, _ to: String, _ rate: Double) -> TrafficSpec {
        TrafficSpec(from: TrafficSpec.subject(subject), to: to, kind: .nats, requestsPerSec: rate, latencyMs: 1)
    }

    private static func svc(_ namespace: String, _ name: String) -> String { TrafficSpec.service(namespace, name) }

    static let kubeSystem = NamespaceSpec(
        name: "kube-system",
        parts: [
            .daemonSet(DaemonSetSpec(name: "kube-proxy", repository: "registry.k8s.io/kube-proxy", memoryMiB: 64)),
            .deployment(
                DeploymentSpec(
                    name: "coredns", replicas: 2, repository: "registry.k8s.io/coredns/coredns", cpu: 8, memoryMiB: 170)
            ),
        ])

    static let shop = NamespaceSpec(
        name: "shop",
        parts: [
            .ingress(name: "storefront", host: "shop.example.com", service: "web"),
            .deployment(
                DeploymentSpec(
                    name: "web", replicas: 3, repository: "\(registry)/shop/web", sidecar: "envoy", cpu: 35,
                    memoryMiB: 512)),
            .deployment(
                DeploymentSpec(
                    name: "checkout", replicas: 2, repository: "\(registry)/shop/checkout", secret: true, cpu: 25)),
            .database(name: "shop"),
            .natsStream(name: "ORDERS", subjects: ["orders.created", "orders.paid"]),
            .deployment(DeploymentSpec(name: "cart", replicas: 2, repository: "\(registry)/shop/cart", cpu: 20)),
            .deployment(
                DeploymentSpec(
                    name: "catalog", replicas: 2, repository: "\(registry)/shop/catalog", volume: "catalog-images",
                    cpu: 15, memoryMiB: 384)),
            .deployment(
                DeploymentSpec(
                    name: "recommendations", replicas: 1, repository: "\(registry)/shop/recommendations",
                    crashLoop: true, cpu: 40, memoryMiB: 768)),
        ],
        traffic: [
            http(TrafficSpec.ingress("shop", "storefront"), svc("shop", "web"), 120, 35),
            http(svc("shop", "web"), svc("shop", "cart"), 60, 12),
            http(svc("shop", "web"), svc("shop", "catalog"), 90, 9),
            http(svc("shop", "web"), svc("shop", "checkout"), 15, 40),
            http(svc("shop", "web"), svc("shop", "recommendations"), 30, 80),
            grpc(svc("shop", "checkout"), svc("payments", "api"), 12, 25),
            http(svc("shop", "web"), svc("search", "query"), 45, 30),
            sql(svc("shop", "cart"), "shop", 40),
            sql(svc("shop", "catalog"), "shop", 70),
            sql(svc("shop", "checkout"), "shop", 20),
            publish(svc("shop", "checkout"), "orders.created", 12),
            publish(svc("shop", "checkout"), "orders.paid", 11),
            consume("payments.settled", svc("shop", "checkout"), 11),
        ]
    )

    static let payments = NamespaceSpec(
        name: "payments",
        parts: [
            .deployment(
                DeploymentSpec(name: "api", replicas: 2, repository: "\(registry)/payments/api", secret: true, cpu: 20)),
            .database(name: "payments"),
            .natsStream(name: "PAYMENTS", subjects: ["payments.settled"]),
            .deployment(
                DeploymentSpec(
                    name: "ledger", replicas: 2, repository: "\(registry)/payments/ledger", serving: false,
                    secret: true, cpu: 15)),
        ],
        traffic: [
            sql(svc("payments", "api"), "payments", 25),
            sql(svc("payments", "ledger"), "payments", 35),
            consume("orders.created", svc("payments", "ledger"), 12),
            consume("orders.paid", svc("payments", "ledger"), 11),
            publish(svc("payments", "api"), "payments.settled", 11),
        ]
    )

    static let messaging = NamespaceSpec(
        name: "messaging",
        parts: [
            .statefulSet(
                StatefulSetSpec(
                    name: "nats", replicas: 3, repository: "docker.io/library/nats", storageGiB: 20, cpu: 12,
                    memoryMiB: 512))
        ])

    static let analytics = NamespaceSpec(
        name: "analytics",
        parts: [
            .cronJob(
                CronJobSpec(name: "nightly-report", schedule: "0 2 * * *", repository: "\(registry)/analytics/report")),
            .deployment(
                DeploymentSpec(name: "reports", replicas: 1, repository: "\(registry)/analytics/reports", cpu: 10)),
        ],
        traffic: [
            sql(svc("analytics", "reports"), "payments", 3),
            consume("payments.settled", svc("analytics", "reports"), 11),
        ]
    )

    static let monitoring = NamespaceSpec(
        name: "monitoring",
        parts: [
            .statefulSet(
                StatefulSetSpec(
                    name: "prometheus", replicas: 1, repository: "quay.io/prometheus/prometheus", storageGiB: 50,
                    cpu: 30, memoryMiB: 2048)),
            .daemonSet(
                DaemonSetSpec(name: "node-exporter", repository: "quay.io/prometheus/node-exporter", memoryMiB: 64)),
            .deployment(
                DeploymentSpec(
                    name: "grafana", replicas: 1, repository: "docker.io/grafana/grafana", secret: true, cpu: 10)),
        ],
        traffic: [
            http(svc("monitoring", "grafana"), svc("monitoring", "prometheus"), 4, 60)
        ]
    )

    static let search = NamespaceSpec(
        name: "search",
        parts: [
            .deployment(DeploymentSpec(name: "query", replicas: 2, repository: "\(registry)/search/query", cpu: 25)),
            .statefulSet(
                StatefulSetSpec(
                    name: "opensearch", replicas: 2, repository: "docker.io/opensearchproject/opensearch",
                    storageGiB: 100, cpu: 45, memoryMiB: 4096)),
            .deployment(
                DeploymentSpec(
                    name: "indexer", replicas: 1, repository: "\(registry)/search/indexer", serving: false, cpu: 30)),
        ],
        traffic: [
            http(svc("search", "query"), svc("search", "opensearch"), 45, 18),
            http(svc("search", "indexer"), svc("search", "opensearch"), 12, 25),
            consume("orders.created", svc("search", "indexer"), 12),
        ]
    )
}
