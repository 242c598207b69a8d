import ArgumentParser
import Foundation
import GestaltEngine
import GestaltModel
import GestaltPrometheus
import TestPeers

/// `gestalt-bench enrichment`: the Prometheus enricher over a store of N pods
/// across namespaces, against a real Prometheus scraping an exporter (a
/// child process) of matching cAdvisor series. Per cycle: queries sent,
/// series read, updates published, wall time, and the CPU of this process
/// (the enricher; the exporter and Prometheus are other processes) and of
/// Prometheus.
struct EnrichmentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrichment", abstract: "Prometheus enrichment of a large topology: cost per cycle."
    )

    @Option(help: "Pods in the store (and in Prometheus).") var pods = 10_000
    @Option(help: "Namespaces the pods spread over.") var namespaces = 50
    @Option(help: "Extra pods only Prometheus knows (unmatched series).") var ghosts = 100
    @Option(help: "Measured cycles.") var cycles = 10
    @Option(help: "Seconds between cycles, and Prometheus' scrape interval.") var interval = 5
    @Option(help: "The prometheus binary.") var prometheus = "prometheus"

    static func podName(_ i: Int) -> String { "pod-\(i)" }
    static func namespace(_ i: Int, of count: Int) -> String { "ns-\(i % count)" }

    func run() async throws {
        let store = TopologyStore()
        store.apply(
            (0..<pods).map { i in
                let namespace = Self.namespace(i, of: namespaces)
                return .upsertEntity(
                    Entity(
                        id: Entity.kubernetesID(kind: .pod, namespace: namespace, name: Self.podName(i)), kind: .pod,
                        name: Self.podName(i),
                        namespace: namespace, source: "kubernetes", memoryLimit: 1 << 30
                    ))
            })

        let exporterPort = try PeerProcess.freePort()
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let exporter = try PeerProcess.start(
            executable,
            [
                "enrichment-exporter", "--port", "\(exporterPort)", "--pods", "\(pods)", "--namespaces",
                "\(namespaces)", "--ghosts", "\(ghosts)",
            ],
            name: "exporter"
        )
        defer { exporter.stop() }
        try await exporter.waitForPort(exporterPort)

        let prometheusPort = try PeerProcess.freePort()
        let directory = try PeerProcess.makeDirectory("prometheus-bench")
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: \(interval)s
        scrape_configs:
          - job_name: cadvisor
            scrape_timeout: \(interval)s
            static_configs:
              - targets: ["127.0.0.1:\(exporterPort)"]
        """.write(to: config, atomically: true, encoding: .utf8)
        let server = try PeerProcess.start(
            prometheus,
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ],
            name: "prometheus", directory: directory
        )
        defer { server.stop() }
        try await server.waitForPort(prometheusPort)

        let configuration = PrometheusEnrichmentConfiguration(
            endpoint: "http://127.0.0.1:\(prometheusPort)", interval: .seconds(interval), queryTimeout: .seconds(30),
            queries: PrometheusEnrichmentConfiguration.podQueries()
        )
        let client = PrometheusQueryClient(endpoint: configuration.endpoint, timeout: configuration.queryTimeout)
        print(
            "\(pods) pods in \(namespaces) namespaces (+\(ghosts) only in Prometheus), \(configuration.queries.count) queries per cycle, scrape every \(interval) s"
        )
        print("waiting for two scrapes of every series…")
        let expected = Double(pods + ghosts)
        try await PeerProcess.waitUntil(timeout: .seconds(120), "rate() over every pod") {
            let samples = try? await client.query(
                "count(rate(container_cpu_usage_seconds_total[1m]))", at: Date().timeIntervalSince1970
            )
            return samples?.first?.value == expected
        }

        // rate() over a window its samples do not yet cover reads low and
        // climbs; measure the steady state, once the 1m window is full.
        print("waiting 65 s for the 1m rate window to fill…")
        try await Task.sleep(for: .seconds(65))

        var cycle = EnrichmentCycle(configuration: configuration, client: client)
        print("cycle  queries  series  unmatched  updates  wall ms  enricher CPU ms  prometheus CPU ms")
        var steady: [(wall: Double, cpu: Double, prometheus: Double)] = []
        for index in 0..<cycles {
            let cpu = processCPUSeconds()
            let prometheusCPU = Self.cpuSeconds(pid: server.pid)
            let report = await cycle.run(on: store)
            let spent = (processCPUSeconds() - cpu) * 1000
            let prometheusSpent = (Self.cpuSeconds(pid: server.pid) - prometheusCPU) * 1000
            let wall = Double(report.duration / .microseconds(1)) / 1000
            if !report.failed.isEmpty { print("failed: \(report.failed)") }
            print(
                String(
                    format: "%5d  %7d  %6d  %9d  %7d  %7.1f  %15.1f  %17.1f",
                    index + 1, report.queries, report.series, report.unmatched, report.updates, wall, spent,
                    prometheusSpent
                ))
            if index > 0 { steady.append((wall, spent, prometheusSpent)) }
            try await Task.sleep(for: .seconds(interval))
        }
        if !steady.isEmpty {
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            print(
                String(
                    format: "steady cycles (2…%d), median: wall %.1f ms, enricher CPU %.1f ms, prometheus CPU %.1f ms",
                    cycles, median(steady.map(\.wall)), median(steady.map(\.cpu)), median(steady.map(\.prometheus))
                ))
        }
    }

    /// User + system CPU seconds of another process, from /proc/<pid>/stat.
    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is 3rd, utime 14th, stime 15th (1-based, whole line).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

// processCPUSeconds() is SSEBench's, shared by every benchmark.
