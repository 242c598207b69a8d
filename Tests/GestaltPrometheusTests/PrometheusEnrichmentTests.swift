import Foundation
import GestaltEngine
import GestaltModel
import GestaltPrometheus
import Hummingbird
import HummingbirdTesting
import TestPeers
import Testing

/// The enricher against a real Prometheus scraping a real exporter.
@Suite(.serialized) struct PrometheusEnrichmentTests {
    static let web = Entity(
        id: Entity.kubernetesID(kind: .pod, namespace: "shop", name: "web-1"), kind: .pod, name: "web-1",
        namespace: "shop",
        source: "kubernetes", memoryLimit: 1 << 30
    )
    static let idle = Entity(
        id: Entity.kubernetesID(kind: .pod, namespace: "shop", name: "idle"), kind: .pod, name: "idle",
        namespace: "shop",
        source: "kubernetes", cpuPercent: 3
    )

    /// web-1: 0.3 + 0.2 CPU s/s (50 %) and 200 MB + 56 MB; its pod-level cgroup
    /// series (container "") would double both if it were counted. `ghost` is
    /// in Prometheus only.
    static let exporter = TestExporter(
        series: [
            TestExporter.container(namespace: "shop", pod: "web-1", container: "app", cpu: 0.3, memory: 200_000_000),
            TestExporter.container(namespace: "shop", pod: "web-1", container: "sidecar", cpu: 0.2, memory: 56_000_000),
            TestExporter.container(namespace: "shop", pod: "web-1", container: "", cpu: 7, memory: 999_999_999),
            TestExporter.container(namespace: "shop", pod: "ghost", container: "app", cpu: 1, memory: 1),
        ].flatMap { $0 })

    /// The default pod queries, with a 4 s window to fit a 1 s scrape interval in a test.
    static func configuration(prometheusPort: Int, cluster: String? = nil) -> PrometheusEnrichmentConfiguration {
        PrometheusEnrichmentConfiguration(
            endpoint: "http://127.0.0.1:\(prometheusPort)", interval: .milliseconds(200), queryTimeout: .seconds(5),
            cluster: cluster, queries: PrometheusEnrichmentConfiguration.podQueries(window: "4s")
        )
    }

    @Test func enrichesPodsExactlyAndRidesOutAnOutage() async throws {
        try await Self.exporter.application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            var prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            let directory = prometheus.directory
            defer { prometheus.stop() }

            let store = TopologyStore()
            store.apply([.upsertEntity(Self.web), .upsertEntity(Self.idle)])
            let board = SourceStatusBoard()
            let enricher = PrometheusEnricher(configuration: Self.configuration(prometheusPort: prometheusPort))
            #expect(enricher.instance.description == "prometheus")
            let context = SourceContext(instance: enricher.instance, sink: store, store: store, statusBoard: board)
            let run = Task { try await enricher.run(in: context) }
            defer { run.cancel() }

            // rate() is the exporter's slope once the 4 s window is covered:
            // up to float rounding of ~1e6-second counters, far below 0.001 %.
            try await waitUntil("web-1 enriched with 50 % CPU and 256 MB", timeout: .seconds(60)) {
                guard let web = store.entity(id: Self.web.id) else { return false }
                return web.memoryBytes == 256_000_000 && abs(web.cpuPercent - 50) < 0.001
            }
            let status = try #require(board.status(of: "prometheus"))
            #expect(status.state == .ready)
            // ghost's CPU and memory series name no entity: counted, not dropped silently.
            #expect(status.details["unmatched_series"] == "2")
            #expect(status.details["pod_cpu_percent"] == "2 series, 1 matched, 1 unmatched")
            #expect(status.details["pod_memory_bytes"] == "2 series, 1 matched, 1 unmatched")
            #expect(status.message.contains("2 series matched nothing"))
            // A pod without series keeps its source's figures.
            #expect(store.entity(id: Self.idle.id)?.cpuPercent == 3)

            // The owning source's next picture (no figures of its own) changes nothing.
            let revision = store.revision
            store.apply([.upsertEntity(Self.web)])
            #expect(store.revision == revision)
            #expect(store.entity(id: Self.web.id)?.memoryBytes == 256_000_000)

            // Prometheus down: error with the reason, figures kept and dated.
            prometheus.stop(keepDirectory: true)
            try await waitUntil("status error with dated figures", timeout: .seconds(30)) {
                board.status(of: "prometheus")?.state == .error
                    && store.entity(id: Self.web.id)?.customMetrics[EnrichmentCycle.asOfKey] != nil
            }
            let down = try #require(board.status(of: "prometheus"))
            #expect(down.message.contains("Prometheus unreachable"))
            #expect(down.message.contains("keeping the last figures of 1 entities"))
            #expect(down.details["metrics_age_seconds"] != nil)
            let stale = try #require(store.entity(id: Self.web.id))
            #expect(stale.memoryBytes == 256_000_000)
            let asOf = try #require(stale.customMetrics[EnrichmentCycle.asOfKey])
            #expect(abs(asOf - Date().timeIntervalSince1970) < 60)

            // Back up on the same port and data: it recovers by itself.
            prometheus = try await PrometheusPeer.start(
                port: prometheusPort, scraping: [exporterPort], directory: directory)
            try await waitUntil("status ready, figures fresh", timeout: .seconds(60)) {
                board.status(of: "prometheus")?.state == .ready
                    && store.entity(id: Self.web.id)?.customMetrics[EnrichmentCycle.asOfKey] == nil
            }
            #expect(store.entity(id: Self.web.id)?.memoryBytes == 256_000_000)
        }
    }

    @Test func namedClusterMatchesItsPrefixedIDs() async throws {
        try await Self.exporter.application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            defer { prometheus.stop() }
            let store = TopologyStore()
            var web = Self.web
            web.id = Entity.kubernetesID(kind: .pod, namespace: "shop", name: "web-1", cluster: "prod")
            store.apply([.upsertEntity(Self.web), .upsertEntity(web)])
            let configuration = Self.configuration(prometheusPort: prometheusPort, cluster: "prod")
            var cycle = EnrichmentCycle(
                configuration: configuration, client: PrometheusQueryClient(endpoint: configuration.endpoint))
            try await waitUntil("a cycle with memory series", timeout: .seconds(60)) {
                let report = await cycle.run(on: store)
                #expect(report.queries == 4)
                return store.entity(id: web.id)?.memoryBytes == 256_000_000
            }
            // The unnamed cluster's pod of the same name is not this cluster's.
            #expect(store.entity(id: Self.web.id)?.memoryBytes == 0)
        }
    }

    @Test func badPromQLIsReportedPerQuery() async throws {
        try await Self.exporter.application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            defer { prometheus.stop() }
            let store = TopologyStore()
            store.apply([.upsertEntity(Self.web)])
            var configuration = Self.configuration(prometheusPort: prometheusPort)
            configuration.queries.append(
                EnrichmentQuery(
                    name: "broken", target: .entity(.pod, id: IDTemplate("{k8s}:pod/{namespace}/{pod}")),
                    field: .cpuPercent,
                    promQL: "sum by (pod) (rate(container_cpu_usage_seconds_total[4s]"
                ))
            var cycle = EnrichmentCycle(
                configuration: configuration, client: PrometheusQueryClient(endpoint: configuration.endpoint))
            var report = await cycle.run(on: store)
            try await waitUntil("Prometheus ready", timeout: .seconds(30)) {
                report = await cycle.run(on: store)
                return report.failed.count == 1
            }
            #expect(report.state == .degraded)
            guard case .queryFailed(400, "bad_data", _) = try #require(report.failed["broken"]) else {
                Issue.record("expected bad_data, got \(String(describing: report.failed["broken"]))")
                return
            }
            #expect(report.details["broken"]?.contains("HTTP 400") == true)
        }
    }
}
