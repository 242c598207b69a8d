import GestaltEngine
import GestaltModel
import GestaltPrometheus
import HummingbirdTesting
import TestPeers
import Testing

/// Services and their edges from Istio's standard metrics, through a real Prometheus.
@Suite(.serialized) struct TrafficEnrichmentTests {
    /// front → api: 9 OK and 1 failed request per second; of those 10, 5 take
    /// at most 50 ms and all at most 100 ms. So 10 req/s, error rate 0.1, and
    /// histogram_quantile(0.99) interpolates to 50 + (9.9 − 5) / 5 × 50 = 99 ms.
    static let exporter: TestExporter = {
        TestExporter(series: [
            .init(
                name: "istio_requests_total",
                labels: [
                    "reporter": "destination", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "response_code": "200",
                ], slope: 9),
            .init(
                name: "istio_requests_total",
                labels: [
                    "reporter": "destination", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "response_code": "503",
                ], slope: 1),
            // The client side's report of the same calls: the queries read the server's only.
            .init(
                name: "istio_requests_total",
                labels: [
                    "reporter": "source", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "response_code": "200",
                ], slope: 1000),
            .init(
                name: "istio_request_duration_milliseconds_bucket",
                labels: [
                    "reporter": "destination", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "le": "50",
                ], slope: 5),
            .init(
                name: "istio_request_duration_milliseconds_bucket",
                labels: [
                    "reporter": "destination", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "le": "100",
                ], slope: 10),
            .init(
                name: "istio_request_duration_milliseconds_bucket",
                labels: [
                    "reporter": "destination", "source_workload_namespace": "shop", "source_canonical_service": "front",
                    "destination_service_namespace": "shop", "destination_service_name": "api", "le": "+Inf",
                ], slope: 10),
        ])
    }()

    @Test func servicesAndEdgesGetRequestRateErrorRateAndLatency() async throws {
        try await Self.exporter.application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            defer { prometheus.stop() }

            let front = Entity(
                id: "k8s:service/shop/front", kind: .service, name: "front", namespace: "shop", source: "kubernetes")
            let api = Entity(
                id: "k8s:service/shop/api", kind: .service, name: "api", namespace: "shop", source: "kubernetes")
            // Only a grpc edge exists: the edge queries try http first, then grpc.
            let edge = Connection(sourceID: front.id, targetID: api.id, kind: .grpc)
            let store = TopologyStore()
            store.apply([.upsertEntity(front), .upsertEntity(api), .upsertConnection(edge)])
            let configuration = PrometheusEnrichmentConfiguration(
                endpoint: "http://127.0.0.1:\(prometheusPort)",
                queries: PrometheusEnrichmentConfiguration.serviceQueries(window: "4s")
                    + PrometheusEnrichmentConfiguration.edgeQueries(window: "4s")
            )
            var cycle = EnrichmentCycle(
                configuration: configuration, client: PrometheusQueryClient(endpoint: configuration.endpoint))
            func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-6 * max(1, b) } ?? false }
            try await waitUntil("exact traffic figures", timeout: .seconds(60)) {
                _ = await cycle.run(on: store)
                guard let service = store.entity(id: api.id), let connection = store.connection(id: edge.id) else {
                    return false
                }
                return close(service.customMetrics["requests_per_second"], 10)
                    && close(service.customMetrics["error_rate"], 0.1)
                    && close(service.customMetrics["latency_p99_ms"], 99)
                    && close(connection.requestsPerSec, 10) && close(connection.errorRate, 0.1)
                    && close(connection.latencyMs, 99)
            }
            // The caller serves nothing: no series names it as a destination.
            #expect(store.entity(id: front.id)?.customMetrics.isEmpty == true)
            // Health reads the enriched error rate.
            let service = try #require(store.entity(id: api.id))
            #expect(service.health == HealthPolicy.default.score(service))
            #expect(service.health < 1)
        }
    }
}
