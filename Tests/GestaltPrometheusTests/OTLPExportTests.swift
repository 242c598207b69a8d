import Foundation
import GestaltEngine
import GestaltPrometheus
import GestaltServer
import HummingbirdTesting
import Logging
import Prometheus
import ServiceLifecycle
import TestPeers
import Testing

/// Gestalt's own traces and metrics reach an OTLP/HTTP receiver, while the
/// Prometheus page keeps the same metrics.
@Suite(.serialized) struct OTLPExportTests {
    @Test func signalPathsFollowTheOTLPSpec() {
        #expect(
            OTLPExport.signal("traces", of: URL(string: "http://collector:4318")!) == "http://collector:4318/v1/traces")
        #expect(
            OTLPExport.signal("metrics", of: URL(string: "http://collector:4318/otlp/")!)
                == "http://collector:4318/otlp/v1/metrics")
    }

    @Test func enrichmentCyclesArriveAsSpansAndMetrics() async throws {
        let receiver = OTLPReceiver()
        try await receiver.application().test(.live) { client in
            let port = try #require(client.port)
            var logger = Logger(label: "otlp-test")
            logger.logLevel = .warning
            let export = try OTLPExport(
                endpoint: URL(string: "http://127.0.0.1:\(port)")!, metricsInterval: .milliseconds(200),
                spanDelay: .milliseconds(200), logger: logger
            )
            // The process's only bootstrap (swift-metrics and swift-distributed-tracing allow one).
            let registry = PrometheusCollectorRegistry()
            export.bootstrap(alongside: PrometheusMetricsFactory(registry: registry))
            let exporting = Task {
                try await withThrowingDiscardingTaskGroup { group in
                    for service in export.services { group.addTask { try await service.run() } }
                }
            }
            defer { exporting.cancel() }

            // An enricher whose Prometheus is not there: every cycle fails fast, and is still a cycle with a cost.
            let store = TopologyStore()
            let enricher = PrometheusEnricher(
                configuration: PrometheusEnrichmentConfiguration(
                    endpoint: "http://127.0.0.1:\(try PeerProcess.freePort())", interval: .milliseconds(100),
                    queryTimeout: .seconds(2),
                    queries: PrometheusEnrichmentConfiguration.podQueries(window: "4s")
                ))
            let context = SourceContext(
                instance: enricher.instance, sink: store, store: store, statusBoard: SourceStatusBoard())
            let run = Task { try await enricher.run(in: context) }
            defer { run.cancel() }

            try await waitUntil("an enrichment span at /v1/traces", timeout: .seconds(30)) {
                receiver.received("traces", containing: "prometheus.enrichment")
            }
            try await waitUntil("the cycle cost at /v1/metrics", timeout: .seconds(30)) {
                receiver.received("metrics", containing: "gestalt_source_cycle_seconds")
            }
            #expect(receiver.received("traces").allSatisfy { $0.contentType == "application/x-protobuf" })
            #expect(receiver.received("traces", containing: "gestalt.queries_failed"))
            #expect(receiver.received("traces", containing: "service.name"))
            #expect(receiver.received("traces", containing: "gestalt"))

            // The same timer is a real histogram on the Prometheus page.
            var page: [UInt8] = []
            registry.emit(into: &page)
            let text = String(decoding: page, as: UTF8.self)
            #expect(text.contains("# TYPE gestalt_source_cycle_seconds histogram"), "\(text)")
            #expect(text.contains(#"gestalt_source_cycle_seconds_count{source="prometheus"}"#), "\(text)")
        }
    }
}
