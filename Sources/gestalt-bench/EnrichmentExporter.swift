import ArgumentParser
import Foundation
import Hummingbird

/// `gestalt-bench enrichment-exporter`: cAdvisor-style series for N pods, in
/// a process of its own so the enrichment benchmark's CPU figure is the
/// enricher's alone. The enrichment benchmark starts it; not for use by hand.
struct EnrichmentExporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrichment-exporter", abstract: "Serves cAdvisor-style series for the enrichment benchmark.",
        shouldDisplay: false
    )

    @Option var port: Int
    @Option var pods = 10_000
    @Option var namespaces = 50
    /// Pods Prometheus knows and the store does not: their series are counted as unmatched.
    @Option var ghosts = 100

    func run() async throws {
        let labels = (0..<(pods + ghosts)).map { i in
            let name = i < pods ? EnrichmentBench.podName(i) : "ghost-\(i)"
            return #"{namespace="\#(EnrichmentBench.namespace(i, of: namespaces))",pod="\#(name)",container="app"}"#
        }
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            let seconds = Double(milliseconds) / 1000
            var text = ""
            text.reserveCapacity(labels.count * 4 * 110)
            // Per pod: CPU at 0.1–0.5 s/s, a fixed working set, and network bytes at 1–10 KB/s, each counter linear in time.
            for (i, label) in labels.enumerated() {
                let cpu = 0.1 + Double(i % 5) * 0.1
                text += "container_cpu_usage_seconds_total\(label) \(1_000_000 + cpu * seconds) \(milliseconds)\n"
                text +=
                    "container_memory_working_set_bytes\(label) \(50_000_000 + (i % 100) * 1_000_000) \(milliseconds)\n"
                text +=
                    "container_network_receive_bytes_total\(label) \(1_000_000 + Double(1000 * (1 + i % 10)) * seconds) \(milliseconds)\n"
                text +=
                    "container_network_transmit_bytes_total\(label) \(1_000_000 + Double(500 * (1 + i % 10)) * seconds) \(milliseconds)\n"
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
