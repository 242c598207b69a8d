/// Where Prometheus is, how often to ask it, and what.
public struct PrometheusEnrichmentConfiguration: Sendable, Hashable {
    /// The server's base URL, e.g. `http://127.0.0.1:9090`.
    public var endpoint: String
    /// Time between the starts of two cycles.
    public var interval: Duration
    /// How long one query may take before it counts as failed.
    public var queryTimeout: Duration
    /// The Kubernetes cluster name of the Kubernetes source whose entities are
    /// enriched: nil for ids `k8s:…`, "prod" for `k8s@prod:…` (`{k8s}` in templates).
    public var cluster: String?
    public var queries: [EnrichmentQuery]

    public init(
        endpoint: String, interval: Duration = .seconds(15), queryTimeout: Duration = .seconds(10),
        cluster: String? = nil,
        queries: [EnrichmentQuery] = PrometheusEnrichmentConfiguration.defaultQueries()
    ) {
        self.endpoint = endpoint
        self.interval = interval
        self.queryTimeout = queryTimeout
        self.cluster = cluster
        self.queries = queries
    }

    /// `k8s` or `k8s@<cluster>`, as `Entity.kubernetesID` writes it.
    public var kubernetesPrefix: String { cluster.map { "k8s@\($0)" } ?? "k8s" }
}
