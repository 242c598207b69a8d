import ArgumentParser
import Foundation
import GestaltEngine
import GestaltHistory
import GestaltModel

/// `gestalt-bench history`: the recorder's sustained write rate, the disk
/// it takes per update, and how long rebuilding a revision takes, on a
/// topology of `--entities` with `--updates` spread over a simulated week.
struct HistoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "History on SQLite: write throughput, bytes per update, rebuild time of random revisions."
    )

    @Option(help: "Entities in the topology.") var entities = 10_000
    @Option(help: "Updates to apply and record (spread over a simulated week).") var updates = 500_000
    @Option(help: "Updates per store.apply call.") var batch = 100
    @Option(help: "Random revisions to rebuild.") var rebuilds = 20
    @Option(
        help:
            "Milliseconds between metric samples of one entity (simulated time; large values turn sampling off, to see its cost)."
    )
    var sampleIntervalMs: Int64 = 1000
    @Option(help: "Directory for the history file (deleted afterwards).") var dataDir = "/tmp/gestalt-history-bench"

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dataDir)
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var configuration = HistoryConfiguration(directory: dataDir)
        configuration.retention = nil
        configuration.sampleIntervalMilliseconds = sampleIntervalMs
        let history = try HistoryStore.open(configuration)
        var storeConfiguration = StoreConfiguration()
        // The log holds the whole run, so a recorder that lags shows as a slow drain, never as a gap.
        storeConfiguration.retainedUpdates = updates + entities + 1
        let store = TopologyStore(configuration: storeConfiguration)

        let week: Int64 = 7 * 86_400_000
        let start = Timestamp.now().millisecondsSince1970 - week
        let pods = (0..<entities).map { index in
            Entity(
                id: "bench:pod/ns\(index % 50)/p\(index)", kind: .pod, name: "p\(index)", namespace: "ns\(index % 50)",
                source: "bench",
                labels: ["app": "a\(index % 200)"], cpuPercent: 10, memoryBytes: 100 << 20, customMetrics: ["rps": 1],
                createdAt: Timestamp(millisecondsSince1970: start)
            )
        }
        store.apply(pods.map { .upsertEntity($0) }, now: Timestamp(millisecondsSince1970: start))

        let recorder = Task { try await HistoryRecorder(history: history, store: store).run() }
        // History starts with the recorder's first checkpoint (the loaded topology).
        let first = store.revision
        while try await history.durableRevision() < first { try await Task.sleep(for: .milliseconds(20)) }
        var random = SystemRandomNumberGenerator()
        var live: [UInt64: Int] = [:]
        let clock = ContinuousClock()
        let began = clock.now
        let cpuBefore = processCPUSeconds()
        var applied = 0
        while applied < updates {
            let now = Timestamp(millisecondsSince1970: start + week * Int64(applied) / Int64(updates))
            var changes: [TopologyChange] = []
            changes.reserveCapacity(batch)
            for _ in 0..<min(batch, updates - applied) {
                var pod = pods[Int.random(in: 0..<entities, using: &random)]
                pod.cpuPercent = Double(Int.random(in: 0...1000, using: &random)) / 10
                pod.customMetrics["rps"] = Double(applied)
                changes.append(.upsertEntity(pod))
            }
            applied += store.apply(changes, now: now).updates.count
            if live.count < rebuilds, Int.random(in: 0..<(updates / batch / rebuilds + 1), using: &random) == 0 {
                live[store.revision] = store.entityCount
            }
        }
        let appliedIn = clock.now - began
        let last = store.revision
        while try await history.durableRevision() < last { try await Task.sleep(for: .milliseconds(20)) }
        let recordedIn = clock.now - began
        let cpu = processCPUSeconds() - cpuBefore
        recorder.cancel()
        _ = await recorder.result

        let bytes = try await history.usedBytes()
        print(
            "history: \(entities) entities, \(applied) updates over a simulated week, batches of \(batch), samples every \(sampleIntervalMs) ms"
        )
        print(
            String(
                format:
                    "  applied in %.2f s (%.0f updates/s); durable in %.2f s: %.0f updates/s sustained with history on",
                seconds(appliedIn), Double(applied) / seconds(appliedIn), seconds(recordedIn),
                Double(applied) / seconds(recordedIn)))
        // CPU time is what a loaded, shared machine moves least: the rates above follow the load.
        print(String(format: "  CPU (all threads, apply to durable): %.1f µs per update", cpu * 1e6 / Double(applied)))
        print(
            String(
                format: "  disk: %.1f MiB used, %.0f bytes per update (updates, samples, checkpoints)",
                Double(bytes) / 1_048_576, Double(bytes) / Double(applied)))

        var revisions = Array(live.keys)
        while revisions.count < rebuilds { revisions.append(UInt64.random(in: first...last, using: &random)) }
        var times: [Double] = []
        for revision in revisions {
            let before = clock.now
            let topology = try await history.topology(at: .revision(revision))
            times.append(seconds(clock.now - before) * 1000)
            if let expected = live[revision], topology.entities.count != expected {
                throw ValidationError(
                    "rebuilt revision \(revision) has \(topology.entities.count) entities, the store had \(expected)")
            }
        }
        times.sort()
        print(
            String(
                format: "  rebuild of %d random revisions: median %.1f ms, p90 %.1f ms, max %.1f ms",
                times.count, times[times.count / 2], times[times.count * 9 / 10], times.last!))
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
