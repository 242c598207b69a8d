import Foundation
import GestaltEngine
import GestaltModel
import GestaltPrometheus
import GestaltServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationEssentialsCompat
import TestPeers
import Testing

/// The enricher's soft failure "N pods had no metrics", against a real
/// Prometheus, as `GET /api/plugins` shows it.
@Suite(.serialized) struct NoMetricsWarningTests {
    static let node = Entity(id: "k8s:node/n1", kind: .node, name: "n1", source: "kubernetes")

    @Test func podsAndNodesWithoutFiguresAreAWarningOfTheEnrichersRun() async throws {
        try await PrometheusEnrichmentTests.exporter.withScrapingPrometheus { prometheusPort in

            // web-1 has series; idle and the node have none (no node-exporter is scraped).
            let store = TopologyStore()
            store.apply([
                .upsertEntity(PrometheusEnrichmentTests.web), .upsertEntity(PrometheusEnrichmentTests.idle),
                .upsertEntity(Self.node),
            ])
            let board = SourceStatusBoard()
            var configuration = PrometheusEnrichmentTests.configuration(prometheusPort: prometheusPort)
            configuration.queries += PrometheusEnrichmentConfiguration.nodeQueries(window: "4s").prefix(1)
            let enricher = PrometheusEnricher(configuration: configuration)
            let supervisor = SourceSupervisor(source: enricher, sink: store, store: store, statusBoard: board)
            let run = Task { await supervisor.run() }
            defer { run.cancel() }

            let server = GestaltServer(
                store: store, statusBoard: board, configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let expected = ["1 node and 1 pod had no metrics", "2 series matched no entity or connection"]
            try await server.makeApplication(logger: logger).test(.router) { client in
                var last: [String: Any] = [:]
                try await waitUntil("the enricher's last run warns of the pod and node", timeout: .seconds(60)) {
                    let plugins = try await client.execute(uri: "/api/plugins", method: .get) { response in
                        try #require(
                            try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                    }
                    last = plugins.first { $0["name"] as? String == "prometheus" } ?? [:]
                    let run = last["last_run"] as? [String: Any]
                    return run?["warnings"] as? [String] == expected
                        && store.entity(id: PrometheusEnrichmentTests.web.id)?.memoryBytes == 256_000_000
                }
                #expect(last["stage"] as? String == "enrichment")
                let run = try #require(last["last_run"] as? [String: Any])
                #expect(run["error"] is NSNull)
                #expect((run["seconds"] as? Double ?? -1) >= 0)
                #expect(board.status(of: "prometheus")?.details["entities_without_metrics"] == "2")
            }
        }
    }

    @Test func theWarningNamesEachKindMostFirst() {
        #expect(EnrichmentReport.noMetricsWarning([.pod: 3]) == "3 pods had no metrics")
        #expect(EnrichmentReport.noMetricsWarning([.pod: 1]) == "1 pod had no metrics")
        #expect(
            EnrichmentReport.noMetricsWarning([.node: 1, .pod: 3, .service: 2])
                == "3 pods, 2 services and 1 node had no metrics")
        #expect(EnrichmentReport.noMetricsWarning([:]) == nil)
    }
}
