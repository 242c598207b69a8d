import Foundation
import Hummingbird
import HummingbirdTesting
import TestPeers
import Testing

/// A tiny exporter of series with known values, for a real Prometheus to
/// scrape. Each sample carries its own timestamp and every counter grows
/// linearly with it, so `rate()` over a window its samples cover is exactly
/// the slope (no scrape-time jitter enters).
struct TestExporter: Sendable {
    struct Series: Sendable {
        var name: String
        var labels: KeyValuePairs<String, String>
        /// Per second for a counter; nil for a gauge.
        var slope: Double?
        /// A gauge's value.
        var value: Double = 0
    }

    var series: [Series]

    func page(at date: Date = Date()) -> String {
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        let seconds = Double(milliseconds) / 1000
        var text = ""
        for s in series {
            let labels = s.labels.map { #"\#($0.key)="\#($0.value)""# }.joined(separator: ",")
            // An offset keeps a counter far from zero, so rate() never clamps its extrapolation at zero.
            let value = s.slope.map { 1_000_000 + $0 * seconds } ?? s.value
            text += "\(s.name){\(labels)} \(value) \(milliseconds)\n"
        }
        return text
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: page())))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// cAdvisor's two series for one container: CPU seconds (a counter
    /// growing `cpu` per second) and working-set bytes.
    static func container(namespace: String, pod: String, container: String, cpu: Double, memory: Double) -> [Series] {
        [
            Series(
                name: "container_cpu_usage_seconds_total",
                labels: ["namespace": namespace, "pod": pod, "container": container], slope: cpu),
            Series(
                name: "container_memory_working_set_bytes",
                labels: ["namespace": namespace, "pod": pod, "container": container], value: memory),
        ]
    }
}

extension TestExporter {
    /// Serves this exporter on a free port with a real Prometheus scraping it,
    /// and runs `body` with Prometheus's port; both stop when it returns.
    func withScrapingPrometheus(_ body: @Sendable (_ prometheusPort: Int) async throws -> Void) async throws {
        try await application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            defer { prometheus.stop() }
            try await body(prometheusPort)
        }
    }
}
