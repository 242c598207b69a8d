import Foundation
import Hummingbird

/// A tiny exporter of cAdvisor's container series with known values, for a
/// real Prometheus to scrape. Each sample carries its own timestamp and the
/// CPU counters grow linearly with it, so Prometheus' `rate()` over a window
/// its samples cover is exactly the slope (no scrape-time jitter enters).
struct CAdvisorExporter: Sendable {
    struct Container: Sendable {
        var namespace: String
        var pod: String
        /// "" is the pod-level cgroup, which the default queries leave out.
        var container: String
        /// CPU seconds per second.
        var cpuSlope: Double
        var memoryBytes: Int64
    }

    var containers: [Container]

    func page(at date: Date = Date()) -> String {
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        let seconds = Double(milliseconds) / 1000
        var cpu = "# TYPE container_cpu_usage_seconds_total counter\n"
        var memory = "# TYPE container_memory_working_set_bytes gauge\n"
        for c in containers {
            let labels = #"{namespace="\#(c.namespace)",pod="\#(c.pod)",container="\#(c.container)"}"#
            // An offset keeps the counter far from zero, so rate() never clamps its extrapolation at zero.
            cpu += "container_cpu_usage_seconds_total\(labels) \(1_000_000 + c.cpuSlope * seconds) \(milliseconds)\n"
            memory += "container_memory_working_set_bytes\(labels) \(c.memoryBytes) \(milliseconds)\n"
        }
        return cpu + memory
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: page())))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
