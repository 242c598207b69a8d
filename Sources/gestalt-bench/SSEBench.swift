import ArgumentParser
import Foundation
import GestaltEngine
import GestaltServer
import GestaltStreaming
import Synchronization

/// Change → SSE client latency with many clients on loopback.
struct SSEBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse",
        abstract: "Change → SSE client latency with N clients (target p99 < 10 ms at 1,000 clients).")

    @Option(help: "Connected SSE clients.") var clients = 1000
    @Option(help: "Changes per second applied to the store.") var rate = 100
    @Option(help: "Seconds to measure.") var seconds = 10
    @Option(help: "Entities in the topology.") var entities = 1000
    @Option(help: "Loopback port for the server.") var port = 18181
    @Option(help: "Clients that time each message; the rest only drain.") var measure = 50

    func run() async throws {
        let harness = LoopbackHarness(entities: entities, port: port)
        let clients = clients, rate = rate, seconds = seconds, measure = measure
        try await harness.run {
            try await harness.drive(clients: clients, rate: rate, seconds: seconds, measure: { $0 < measure }) {
                print(
                    "\(clients) clients connected; rss \(residentBytes() >> 20) MiB (server and clients share this process)"
                )
            }
        }
        let stats = harness.server.stats.snapshot
        print(
            "changes: \(rate * seconds) at \(rate)/s; server sent \(stats.messagesSent) messages; coalesced \(stats.coalesced), resyncs \(stats.resyncs)"
        )
        print("change → client latency: \(Percentiles(harness.latencies.withLock { $0 }).describe(unit: "ms"))")
    }
}

/// Applies changes through the store as fast as asked while SSE clients stay connected.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Apply N changes/s through the store with SSE clients connected (target 10k/s with 100 clients).")

    @Option(help: "Connected SSE clients.") var clients = 100
    @Option(help: "Target changes per second.") var rate = 10_000
    @Option(help: "Seconds to run.") var seconds = 10
    @Option(help: "Entities in the topology.") var entities = 10_000
    @Option(help: "Loopback port for the server.") var port = 18182

    func run() async throws {
        let harness = LoopbackHarness(entities: entities, port: port)
        let clients = clients, rate = rate, seconds = seconds
        let cpuStart = processCPUSeconds()
        try await harness.run {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients { group.addTask { try await harness.client(measure: false) } }
                while harness.server.stats.snapshot.activeTopologyStreams < clients {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let batchesPerSecond = 100
                let perBatch = max(1, rate / batchesPerSecond)
                let start = ContinuousClock.now
                var next = start
                var total = 0
                for round in 0..<(batchesPerSecond * seconds) {
                    next += .milliseconds(1000 / batchesPerSecond)
                    try await Task.sleep(until: next)
                    let changes = (0..<perBatch).map {
                        harness.change(round * perBatch + $0, round: (round * perBatch + $0) / harness.entities.count)
                    }
                    total += harness.server.store.apply(changes).updates.count
                }
                let elapsed = ContinuousClock.now - start
                try await Task.sleep(for: .seconds(1))
                group.cancelAll()
                print(
                    "applied \(total) changes in \(String(format: "%.2f", milliseconds(elapsed) / 1000)) s = \(Int(Double(total) / (milliseconds(elapsed) / 1000)))/s"
                )
            }
        }
        let stats = harness.server.stats.snapshot
        let cpu = processCPUSeconds() - cpuStart
        print(
            "\(clients) clients received \(harness.receivedBytes.load(ordering: .relaxed) >> 20) MiB; server sent \(stats.messagesSent) messages (\(stats.coalesced) coalesced, \(stats.resyncs) resyncs); process CPU \(String(format: "%.2f", cpu)) s; rss \(residentBytes() >> 20) MiB"
        )
    }
}

/// User + system CPU seconds of this process.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}
