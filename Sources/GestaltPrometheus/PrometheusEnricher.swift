public import AsyncHTTPClient
public import GestaltEngine

/// Enriches what the other sources wrote with figures from Prometheus. It
/// runs beside them as a source of kind `prometheus` that owns no entities:
/// each cycle it runs every configured query once and lays the figures over
/// the matching entities and connections (`TopologyStore.enrich`).
///
/// Prometheus down is not a failure of the run: the status turns `error`
/// with the reason, the last figures stay with their age
/// (`EnrichmentCycle.asOfKey`), and the next good answer replaces them.
public struct PrometheusEnricher: TopologySource {
    public let instance: SourceInstance
    public let configuration: PrometheusEnrichmentConfiguration
    private let client: PrometheusQueryClient

    public init(configuration: PrometheusEnrichmentConfiguration, name: String? = nil, http: HTTPClient = PrometheusQueryClient.sharedHTTP) {
        self.instance = SourceInstance(kind: "prometheus", name: name)
        self.configuration = configuration
        self.client = PrometheusQueryClient(endpoint: configuration.endpoint, timeout: configuration.queryTimeout, http: http)
    }

    public func run(in context: SourceContext) async throws {
        context.setStatus(.syncing, message: "querying \(configuration.endpoint)")
        var cycle = EnrichmentCycle(configuration: configuration, client: client)
        var next = ContinuousClock.now
        while true {
            let cycleStart = ContinuousClock.now
            let report = await cycle.run(on: context)
            context.recordRun(
                startedAt: cycleStart, warnings: report.state == .error ? [] : report.warnings,
                error: report.state == .error ? report.message : nil
            )
            context.setStatus(report.state, message: report.message, details: report.details)
            // A cycle longer than the interval starts the next one at once, without a backlog.
            next = max(next + configuration.interval, .now)
            try await Task.sleep(until: next, clock: .continuous)
        }
    }
}
