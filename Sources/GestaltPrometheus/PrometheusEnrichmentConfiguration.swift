/// Where Prometheus is, how often to ask it, and what.
package struct PrometheusEnrichmentConfiguration: Sendable, Hashable {
    /// The server's base URL, e.g. `http://127.0.0.1:9090`.
    package var endpoint: String
    /// Time between the starts of two cycles.
    package var interval: Duration
    /// How long one query may take before it counts as failed.
    package var queryTimeout: Duration
    /// The Kubernetes cluster name of the Kubernetes source whose entities are
    /// enriched: nil for ids `k8s:…`, "prod" for `k8s@prod:…` (`{k8s}` in templates).
    package var cluster: String?
    package var queries: [EnrichmentQuery]

    package init(
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
    package var kubernetesPrefix: String { cluster.map { "k8s@\($0)" } ?? "k8s" }
}
