import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import Synchronization
import TestPeers
import Testing

/// The NATS source against a real nats-server with real publishers,
/// subscribers, a stream and a consumer, all started by the test.
@Suite struct NATSSourceTests {
    final class Server: Sendable {
        let port: Int
        let monitorPort: Int
        let directory: URL
        private let process = Mutex<PeerProcess?>(nil)

        init() throws {
            port = try PeerProcess.freePort()
            monitorPort = try PeerProcess.freePort()
            directory = try PeerProcess.makeDirectory("nats-source")
        }

        func start() async throws {
            let peer = try PeerProcess.start(
                "nats-server",
                [
                    "-a", "127.0.0.1", "-p", "\(port)", "-js", "-m", "\(monitorPort)", "-sd",
                    directory.appendingPathComponent("js").path,
                ],
                name: "nats", directory: directory)
            process.withLock { $0 = peer }
            try await peer.waitForPort(port)
            try await peer.waitForPort(monitorPort)
        }

        func kill() { process.withLock { $0 }?.stop(keepDirectory: true) }
        func stop() { process.withLock { $0 }?.stop() }
    }

    @Test func mapsServerClientsSubjectsStreamsAndConsumersAndRecoversFromARestart() async throws {
        let server = try Server()
        try await server.start()
        defer { server.stop() }

        // Real traffic: a named subscriber, a publisher, a stream with a lagging consumer.
        let subscriberConnection = try await NATSConnection.connect(
            NATSConnectionOptions(port: server.port, name: "billing-worker"))
        let subscription = try await subscriberConnection.subscribe(to: "kgents.orders")
        let publisher = try await NATSConnection.connect(NATSConnectionOptions(port: server.port, name: "shop-api"))
        let js = JetStream(publisher)
        _ = try await js.createStream(StreamConfig(name: "AUDIT", subjects: ["audit.>"]))
        _ = try await js.createConsumer(stream: "AUDIT", ConsumerConfig(durableName: "auditor"))
        for index in 0..<5 { _ = try await js.publish("event \(index)", to: "audit.login") }
        try await subscriberConnection.flush()

        let store = TopologyStore()
        let board = SourceStatusBoard()
        let instance = SourceInstance(kind: "nats")
        let context = SourceContext(instance: instance, sink: store, store: store, statusBoard: board)
        let source = NATSSource(
            instance: instance,
            configuration: NATSSourceConfiguration(
                url: "nats://127.0.0.1:\(server.port)", monitorURL: "http://127.0.0.1:\(server.monitorPort)",
                pollInterval: .milliseconds(100), subjects: ["kgents.>"]))

        let firstRun = Task { try await source.run(in: context) }
        let publishing = Task {
            while !Task.isCancelled {
                try await publisher.publish("order", to: "kgents.orders")
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        defer { publishing.cancel() }

        try await waitUntil("the topology to show the NATS picture") {
            guard let subject = store.entity(id: "nats:subject/kgents.orders"),
                (subject.customMetrics["msgs_per_sec"] ?? 0) > 0, (subject.customMetrics["delivered_per_sec"] ?? 0) > 0,
                let consumer = store.entity(id: "nats:consumer/AUDIT/auditor"),
                consumer.customMetrics["num_pending"] == 5,
                store.entity(id: "nats:stream/AUDIT")?.customMetrics["messages"] == 5
            else { return false }
            return true
        }
        let topology = store.snapshot()
        let clients = topology.entities.filter { $0.labels["nats.kind"] == "client" }
        #expect(Set(clients.map(\.name)).isSuperset(of: ["billing-worker", "shop-api"]))
        #expect(!clients.contains { $0.name == "gestalt-nats-sampler" })
        let worker = try #require(clients.first { $0.name == "billing-worker" })
        #expect(
            topology.connections.contains {
                $0.sourceID == worker.id && $0.targetID == "nats:subject/kgents.orders" && $0.kind == .nats
            })
        #expect(
            topology.connections.contains {
                $0.sourceID == "nats:subject/audit.>" && $0.targetID == "nats:stream/AUDIT"
            })
        #expect(
            topology.connections.contains {
                $0.sourceID == "nats:consumer/AUDIT/auditor" && $0.targetID == "nats:stream/AUDIT"
                    && $0.kind == .depends
            })
        #expect(topology.entities.contains { $0.labels["nats.kind"] == "server" && $0.kind == .custom })
        #expect(store.entity(id: "nats:stream/AUDIT")?.kind == .natsStream)
        #expect(board.status(of: "nats")?.state == .ready)

        // Growing lag lowers the consumer's health.
        for index in 5..<10 { _ = try await js.publish("event \(index)", to: "audit.login") }
        try await waitUntil("the consumer's lag to count against its health") {
            guard let consumer = store.entity(id: "nats:consumer/AUDIT/auditor") else { return false }
            return consumer.customMetrics["num_pending"] == 10 && consumer.health < 0.8
        }

        // The server goes away: the run throws and the status says error.
        publishing.cancel()
        server.kill()
        let failure = await firstRun.result
        #expect(throws: (any Error).self) { try failure.get() }
        #expect(board.status(of: "nats")?.state == .error)

        // It comes back: a new run (as the supervisor would start) is ready again.
        try await server.start()
        let secondRun = Task { try await source.run(in: context) }
        try await waitUntil("the source to recover") {
            board.status(of: "nats")?.state == .ready && store.entity(id: "nats:stream/AUDIT") != nil
        }
        secondRun.cancel()
        _ = await secondRun.result
        _ = subscription
        await publisher.close()
        await subscriberConnection.close()
    }
}
