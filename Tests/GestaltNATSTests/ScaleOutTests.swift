import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers
import Testing

/// One collector and two edges over a real nats-server with JetStream, in process.
@Suite struct ScaleOutTests {
    @Test func clusterNamesAreOneSubjectToken() throws {
        #expect(try ScaleOutNames(cluster: "prod-eu_1").topologySubject == "gestalt.prod-eu_1.topology")
        for bad in ["", "a.b", "a b", "a*", ">", "é"] {
            #expect(throws: ScaleOutError.self) { try ScaleOutNames(cluster: bad) }
        }
    }

    @Test func twoEdgesConvergeAndResumeEachOthersIDs() async throws {
        let port = try PeerProcess.freePort()
        let directory = try PeerProcess.makeDirectory("nats")
        let nats = try PeerProcess.start(
            "nats-server",
            ["-a", "127.0.0.1", "-p", "\(port)", "-js", "-sd", directory.appendingPathComponent("js").path],
            name: "nats", directory: directory)
        defer { nats.stop() }
        try await nats.waitForPort(port)
        let options = NATSConnectionOptions(host: "127.0.0.1", port: port)
        let names = try ScaleOutNames(cluster: "test")

        var configuration = StoreConfiguration()
        configuration.startingCounter = 5_000_000  // a collector's revisions are its own, not the edges'
        let collector = TopologyStore(configuration: configuration)
        let publisher = ClusterPublisher(
            store: collector, names: names, checkpointInterval: .milliseconds(200))
        let edgeA = TopologyStore(), edgeB = TopologyStore()
        let replicaA = ClusterReplica(store: edgeA, names: names, statusBoard: nil)
        let replicaB = ClusterReplica(store: edgeB, names: names, statusBoard: nil)

        let publishing = Task { await publisher.run(options: options) }
        defer { publishing.cancel() }
        func entity(_ id: String, cpu: Double = 0) -> Entity {
            Entity(id: id, kind: .service, name: id, namespace: "shop", source: "test", cpuPercent: cpu)
        }
        collector.apply([
            .upsertEntity(entity("a")), .upsertEntity(entity("b")), .upsertEntity(entity("c")),
            .upsertConnection(Connection(sourceID: "a", targetID: "b", kind: .http)),
        ])
        // Edge A starts early, edge B only after a checkpoint covers these.
        let followingA = Task { await replicaA.run(options: options) }
        defer { followingA.cancel() }
        try await converged(edgeA, collector)
        collector.apply([.upsertEntity(entity("a", cpu: 90)), .removeEntity(id: "c")])
        collector.record(
            InfraEvent(
                type: "Warning", reason: "Hot", message: "cpu", entityID: "a", entityKind: .service, entityName: "a",
                severity: .warning))
        try await converged(edgeA, collector)
        let checkpointed = edgeA.revision
        try await PeerProcess.waitUntil(timeout: .seconds(20), "a checkpoint at \(checkpointed)") {
            let js = JetStream(try await NATSConnection.connect(options))
            defer { Task { await js.connection.close() } }
            let last = try await js.lastMessage(stream: names.checkpointStream, subject: names.checkpointSubject)
            return last?.headers?[ScaleOutNames.topologySequenceHeader] == String(checkpointed)
        }
        let followingB = Task { await replicaB.run(options: options) }
        defer { followingB.cancel() }
        try await converged(edgeB, collector)
        #expect(edgeB.revision == edgeA.revision)
        // B began at the checkpoint: it cannot resume from before it, A can.
        #expect(edgeB.backlog(after: checkpointed - 1) == nil)

        // A client of edge A saw up to `seen`; more changes come; it resumes on edge B.
        let seen = edgeA.revision
        let collectorSeen = collector.revision
        collector.apply([
            .upsertEntity(entity("d")), .upsertConnection(Connection(sourceID: "d", targetID: "a", kind: .http)),
            .removeEntity(id: "b"), .upsertEntity(entity("a", cpu: 10)),
        ])
        try await converged(edgeA, collector)
        try await converged(edgeB, collector)
        let fromA = try updates(edgeA, after: seen), fromB = try updates(edgeB, after: seen)
        #expect(fromA.map(\.revision) == fromB.map(\.revision))
        #expect(fromA.map(\.json) == fromB.map(\.json))
        // Exactly what the collector did after that point: nothing lost, nothing twice.
        let original = try updates(collector, after: collectorSeen)
        #expect(fromB.map(\.kind) == original.map(\.kind))
        #expect(fromB.map { $0.entity?.id ?? $0.connection?.id } == original.map { $0.entity?.id ?? $0.connection?.id })
        #expect(Set(fromB.map(\.revision)).count == fromB.count && fromB.first.map { $0.revision > seen } == true)

        // Events carry their stream's sequence, the same on both edges.
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the event on both edges") {
            edgeA.eventSeq == 1 && edgeB.eventSeq == 1
        }
        #expect(edgeA.events().map(\.id) == ["ev-000001"] && edgeB.events().map(\.reason) == ["Hot"])
    }

    private func updates(_ store: TopologyStore, after revision: UInt64) throws -> [LoggedUpdate] {
        guard case .updates(let updates) = store.updates(after: revision) else {
            throw PeerError("the store's log does not reach back to \(revision)")
        }
        return updates
    }

    /// The edge holds the collector's entities and connections, byte for byte.
    private func converged(_ edge: TopologyStore, _ collector: TopologyStore) async throws {
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the edge to converge") {
            json(edge) == json(collector)
        }
    }

    private func json(_ store: TopologyStore) -> [String: [UInt8]] {
        let topology = store.snapshot()
        var all: [String: [UInt8]] = [:]
        for entity in topology.entities { all[entity.id] = entity.jsonBytes() }
        for connection in topology.connections { all[connection.id] = connection.jsonBytes() }
        return all
    }
}
