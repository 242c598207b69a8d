import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import GestaltPrometheus
import GestaltServer
import HummingbirdTesting
import Logging
import NIOCore
import TestPeers
import Testing

/// A real Prometheus scraping gestalt's own `/metrics`: the stream totals
/// are counters it can take a `rate()` of.
@Suite(.serialized) struct GestaltScrapeTests {
    @Test func rateOfStreamMessagesIsPositive() async throws {
        let store = TopologyStore()
        let server = GestaltServer(
            store: store, statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0)
        )
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        try await server.makeApplication(logger: logger).test(.live) { client in
            let gestaltPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [gestaltPort])
            defer { prometheus.stop() }

            // One SSE client reading, and a change every 100 ms for it to receive.
            let stream = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(gestaltPort)/api/infra/topology/stream"),
                timeout: .seconds(120)
            )
            let reader = Task { for try await _ in stream.body {} }
            let writer = Task {
                var n = 0
                while !Task.isCancelled {
                    n += 1
                    store.apply([
                        .upsertEntity(Entity(id: "test:pod/\(n % 50)", kind: .pod, name: "p\(n)", source: "test"))
                    ])
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { writer.cancel(); reader.cancel() }

            let queries = PrometheusQueryClient(endpoint: "http://127.0.0.1:\(prometheusPort)")
            var rate = 0.0
            try await waitUntil("rate(gestalt_stream_messages_sent_total[4s]) > 0", timeout: .seconds(60)) {
                let samples =
                    (try? await queries.query(
                        "rate(gestalt_stream_messages_sent_total[4s])", at: Date().timeIntervalSince1970)) ?? []
                rate = samples.first?.value ?? 0
                return rate > 0
            }
            // About ten updates a second reach the one client (fewer when the
            // machine is starved; never a burst beyond what was written).
            #expect(rate > 0 && rate < 100)

            // Prometheus read the page's TYPE line: its metadata says counter.
            let metadata = try await HTTPClient.shared.execute(
                HTTPClientRequest(
                    url: "http://127.0.0.1:\(prometheusPort)/api/v1/metadata?metric=gestalt_stream_messages_sent_total"),
                timeout: .seconds(10)
            )
            let body = String(buffer: try await metadata.body.collect(upTo: 1 << 20))
            #expect(body.contains(#""type":"counter""#), "\(body)")
        }
    }
}
