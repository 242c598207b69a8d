import ArgumentParser
import Foundation
import GestaltEngine
import GestaltHistory
import GestaltServer
import Synchronization

/// `gestalt-bench history-latency`: change → SSE client latency with history
/// off, then on (a recorder writing SQLite in the same process), in one run,
/// so the two figures share the machine's state.
struct HistoryLatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history-latency", abstract: "Change → SSE client latency with history off, then on, in one run."
    )

    @Option(help: "Connected SSE clients.") var clients = 200
    @Option(help: "Changes per second applied to the store.") var rate = 100
    @Option(help: "Seconds to measure, per phase.") var seconds = 10
    @Option(help: "Entities in the topology.") var entities = 1000
    @Option(help: "Loopback port for the server (the second phase uses the next one).") var port = 18191
    @Option(help: "Directory for the history file (deleted afterwards).") var dataDir =
        "/tmp/gestalt-history-latency-bench"

    func run() async throws {
        for history in [false, true] {
            let harness = LoopbackHarness(entities: entities, port: port + (history ? 1 : 0))
            let clients = clients, rate = rate, seconds = seconds
            try? FileManager.default.removeItem(atPath: dataDir)
            let recorded = history ? try HistoryStore.open(HistoryConfiguration(directory: dataDir)) : nil
            let recorder = recorded.map { store in
                Task { try await HistoryRecorder(history: store, store: harness.server.store).run() }
            }
            try await harness.run {
                try await harness.drive(clients: clients, rate: rate, seconds: seconds, measure: { $0 % 4 == 0 })
            }
            recorder?.cancel()
            _ = await recorder?.result
            let durable = try await recorded?.durableRevision()
            try? FileManager.default.removeItem(atPath: dataDir)
            print(
                "history \(history ? "on " : "off"): \(clients) clients, \(rate) changes/s for \(seconds) s"
                    + (durable.map { "; durable through revision \($0) of \(harness.server.store.revision)" } ?? ""))
            print("  change → client latency: \(Percentiles(harness.latencies.withLock { $0 }).describe(unit: "ms"))")
        }
    }
}
