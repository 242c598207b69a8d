package import Foundation
package import Logging
package import Metrics
import OTel
package import ServiceLifecycle
package import Tracing

/// Gestalt's own traces and metrics, sent over OTLP/HTTP (protobuf) to a
/// collector (`collectors.otel.otlp_endpoint`, `--otlp-endpoint`), so the
/// user's collector sees what each collection and enrichment cycle costs the
/// server. The metrics go to the Prometheus page too (`/metrics` keeps
/// working, see `metricsFactory`); the caller runs `services`, which send
/// periodically and flush what is pending on graceful shutdown.
///
/// ```swift
/// let export = try OTLPExport(endpoint: URL(string: "http://collector:4318")!, logger: logger)
/// export.bootstrap(alongside: PrometheusMetricsFactory(registry: registry))
/// services += export.services
/// ```
package struct OTLPExport: Sendable {
    package let metrics: any MetricsFactory
    package let tracer: any Tracer
    package let services: [any Service]

    /// - Parameters:
    ///   - endpoint: the collector's OTLP/HTTP base (`http://host:4318`); the
    ///     signals go to its `/v1/traces` and `/v1/metrics`, as the OTLP spec
    ///     derives them from `OTEL_EXPORTER_OTLP_ENDPOINT`.
    ///   - metricsInterval: how often the metrics are sent (the OTel default is 60 s).
    ///   - spanDelay: how long finished spans may wait to be sent in a batch.
    package init(
        endpoint: URL, serviceName: String = "gestalt", metricsInterval: Duration = .seconds(15),
        spanDelay: Duration = .seconds(5), logger: Logger
    ) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(logger)
        // Logs stay on stderr: the issue asks for traces and metrics.
        configuration.logs.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = Self.signal("traces", of: endpoint)
        configuration.traces.batchSpanProcessor.scheduleDelay = spanDelay
        configuration.metrics.exporter = .otlp
        configuration.metrics.otlpExporter.protocol = .httpProtobuf
        configuration.metrics.otlpExporter.endpoint = Self.signal("metrics", of: endpoint)
        configuration.metrics.exportInterval = metricsInterval
        let metrics = try OTel.makeMetricsBackend(configuration: configuration)
        let traces = try OTel.makeTracingBackend(configuration: configuration)
        self.metrics = metrics.factory
        self.tracer = traces.factory
        self.services = [metrics.service, traces.service]
    }

    /// One factory feeding both the Prometheus page and OTLP: each metric is
    /// made in both, so a scrape and the collector see the same figures.
    package func metricsFactory(alongside prometheus: any MetricsFactory) -> any MetricsFactory {
        MultiplexMetricsHandler(factories: [prometheus, metrics])
    }

    /// Makes this the process's tracer, and the metrics backend beside
    /// `prometheus`. Once per process, like every swift-metrics bootstrap.
    package func bootstrap(alongside prometheus: any MetricsFactory) {
        MetricsSystem.bootstrap(metricsFactory(alongside: prometheus))
        InstrumentationSystem.bootstrap(tracer)
    }

    /// A signal's URL under the base. An explicit endpoint is used verbatim by
    /// swift-otel, so the path is added here (a trailing slash is tolerated).
    package static func signal(_ name: String, of base: URL) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return "\(text)/v1/\(name)"
    }
}
