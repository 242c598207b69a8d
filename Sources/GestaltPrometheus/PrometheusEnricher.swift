package import AsyncHTTPClient
package import GestaltEngine
import Metrics
import Tracing

/// Enriches what the other sources wrote with figures from Prometheus. It
/// runs beside them as a source of kind `prometheus` that owns no entities:
/// each cycle it runs every configured query once and lays the figures over
/// the matching entities and connections (`TopologyStore.enrich`).
///
/// Prometheus down is not a failure of the run: the status turns `error`
/// with the reason, the last figures stay with their age
/// (`EnrichmentCycle.asOfKey`), and the next good answer replaces them.
package struct PrometheusEnricher: RescannableSource {
    package let instance: SourceInstance
    package let configuration: PrometheusEnrichmentConfiguration
    private let client: PrometheusQueryClient
    /// A job's "enrichment cycle now", served by the running loop (which
    /// keeps each query's last good answer and the overlays it laid).
    private let requests: CycleRequests<SourceSnapshot>

    package init(
        configuration: PrometheusEnrichmentConfiguration, name: String? = nil,
        http: HTTPClient = PrometheusQueryClient.sharedHTTP
    ) {
        self.instance = SourceInstance(kind: "prometheus", name: name)
        self.configuration = configuration
        self.client = PrometheusQueryClient(
            endpoint: configuration.endpoint, timeout: configuration.queryTimeout, http: http)
        self.requests = CycleRequests(name: instance.description)
    }

    /// Runs an enrichment cycle now and answers when its figures are laid; it
    /// fails with the reason when Prometheus does not answer. The enricher owns
    /// no entities, so the picture is empty.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot { try await requests.request() }

    package func run(in context: SourceContext) async throws {
        try await requests.serving { try await enrich(in: context) }
    }

    private func enrich(in context: SourceContext) async throws {
        context.setStatus(.syncing, message: "querying \(configuration.endpoint)")
        var cycle = EnrichmentCycle(configuration: configuration, client: client)
        var next = ContinuousClock.now
        let cost = Metrics.Timer(label: "gestalt_source_cycle_seconds", dimensions: [("source", instance.description)])
        while true {
            // One span per cycle, so a collector sees what each costs the server (docs/OTEL.md).
            let span = startSpan("prometheus.enrichment")
            let cycleStart = ContinuousClock.now
            let asked = requests.take()
            let report = await cycle.run(on: context)
            struct Unanswered: Error, CustomStringConvertible { let description: String }
            requests.answer(
                asked,
                report.state == .error ? .failure(Unanswered(description: report.message)) : .success(SourceSnapshot()))
            context.recordRun(
                startedAt: cycleStart, warnings: report.state == .error ? [] : report.warnings,
                error: report.state == .error ? report.message : nil
            )
            span.attributes["gestalt.source"] = instance.description
            span.attributes["gestalt.queries"] = report.queries
            span.attributes["gestalt.queries_failed"] = report.failed.count
            span.attributes["gestalt.series"] = report.series
            span.attributes["gestalt.series_unmatched"] = report.unmatched
            span.attributes["gestalt.entities_enriched"] = report.enrichedEntities
            span.attributes["gestalt.updates"] = report.updates
            if report.state == .error { span.setStatus(SpanStatus(code: .error, message: report.message)) }
            span.end()
            cost.recordNanoseconds(report.duration.nanoseconds)
            context.setStatus(report.state, message: report.message, details: report.details)
            // A cycle longer than the interval starts the next one at once, without a backlog.
            next = max(next + configuration.interval, .now)
            try await requests.pause(until: next)
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
