import ArgumentParser
import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers

/// `gestalt-bench scale-out-publish`: how fast `gestalt collect` gets a
/// backlog of updates acknowledged by JetStream, with `--window` publishes in
/// flight (1 is one acknowledged publish at a time). One real nats-server
/// with JetStream (file store) in a temp dir; the collector's store is filled
/// first, then the publisher starts and the clock runs until the topology
/// stream holds every update.
struct ScaleOutPublishBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-out-publish",
        abstract: "Acknowledged publishes/s of a collector's backlog to JetStream, per publish window."
    )

    @Option(help: "Updates in the backlog (at most the store's retained log, 10,000).") var updates = 8_000
    @Option(parsing: .upToNextOption, help: "Publish windows to measure, in turn.") var windows: [Int] = [1, 256]
    @Option(help: "Rounds per window; the median is reported.") var rounds = 3

    func run() async throws {
        let port = try PeerProcess.freePort()
        let directory = try PeerProcess.makeDirectory("nats-bench")
        let nats = try PeerProcess.start(
            "nats-server",
            ["-a", "127.0.0.1", "-p", "\(port)", "-js", "-sd", directory.appendingPathComponent("js").path],
            name: "nats", directory: directory)
        defer { nats.stop() }
        try await nats.waitForPort(port)
        let options = NATSConnectionOptions(host: "127.0.0.1", port: port)
        let js = JetStream(try await NATSConnection.connect(options))
        print("nats-server on 127.0.0.1:\(port), \(updates) updates per round, \(rounds) rounds (median)")
        var round = 0
        for window in windows {
            var rates: [Double] = []
            for _ in 0..<rounds {
                round += 1
                rates.append(try await measure(window: window, cluster: "bench\(round)", options: options, js: js))
            }
            let median = rates.sorted()[rates.count / 2]
            let all = rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")
            print("window \(window): \(String(format: "%.0f", median)) publishes/s (rounds: \(all))")
        }
        await js.connection.close()
    }

    /// One round: a fresh cluster (its own subject) on the shared stream.
    private func measure(
        window: Int, cluster: String, options: NATSConnectionOptions, js: JetStream
    ) async throws
        -> Double
    {
        var configuration = StoreConfiguration()
        configuration.startingCounter = StoreConfiguration.processBase()
        let store = TopologyStore(configuration: configuration)
        for index in 0..<updates {
            store.apply([
                .upsertEntity(
                    Entity(
                        id: "svc-\(index)", kind: .service, name: "svc-\(index)", namespace: "bench", source: "bench"))
            ])
        }
        _ = try await ScaleOutStreams.ensure(js)
        let before = try await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence
        let target = before + UInt64(updates)  // a new cluster: no roster
        let publisher = ClusterPublisher(
            store: store, names: try ScaleOutNames(cluster: cluster), checkpointInterval: .seconds(3600),
            window: window)
        let clock = ContinuousClock()
        let started = clock.now
        let publishing = Task { await publisher.run(options: options) }
        defer { publishing.cancel() }
        try await waitUntil("the stream holds the backlog", timeout: .seconds(600)) {
            try await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence >= target
        }
        let elapsed = clock.now - started
        publishing.cancel()
        await publishing.value
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(updates) / seconds
    }
}
