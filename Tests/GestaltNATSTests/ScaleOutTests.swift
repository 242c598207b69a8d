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

    @Test func idsCarryTheirCluster() {
        #expect(ClusterIDs.stamp("k8s:pod/shop/api-1", cluster: "prod") == "k8s@prod:pod/shop/api-1")
        #expect(ClusterIDs.stamp("k8s@eu:pod/shop/api-1", cluster: "prod") == "k8s@eu:pod/shop/api-1")
        #expect(ClusterIDs.stamp("web", cluster: "prod") == "@prod:web")
        #expect(AccessRestriction.cluster(ofID: ClusterIDs.stamp("web", cluster: "prod")) == "prod")
        let connection = ClusterIDs.stamp(
            Connection(sourceID: "docker:c/a", targetID: "web", kind: .http, requestsPerSec: 3), cluster: "x")
        #expect(connection.id == "docker@x:c/a->@x:web:http" && connection.requestsPerSec == 3)
        #expect(ScaleOutNames.cluster(ofSubject: "gestalt.prod.topology") == "prod")
    }

    @Test func twoEdgesConvergeAndResumeEachOthersIDs() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let names = try ScaleOutNames(cluster: "test")

        var configuration = StoreConfiguration()
        configuration.startingCounter = 5_000_000  // a collector's revisions are its own, not the edges'
        let collector = TopologyStore(configuration: configuration)
        let publisher = ClusterPublisher(
            store: collector, names: names, checkpointInterval: .milliseconds(200))
        let edgeA = TopologyStore(), edgeB = TopologyStore()
        let replicaA = ClusterReplica(store: edgeA, clusters: nil, statusBoard: nil)
        let replicaB = ClusterReplica(store: edgeB, clusters: ["test"], statusBoard: nil)

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
        let checkpointed = ClusterReplica.sequence(ofRevision: edgeA.revision)
        try await PeerProcess.waitUntil(timeout: .seconds(20), "a checkpoint at \(checkpointed)") {
            let js = JetStream(try await NATSConnection.connect(options))
            defer { Task { await js.connection.close() } }
            let last = try await js.lastMessage(
                stream: ScaleOutNames.checkpointStream, subject: names.checkpointSubject)
            return last?.headers?[ScaleOutNames.topologySequenceHeader] == String(checkpointed)
        }
        let followingB = Task { await replicaB.run(options: options) }
        defer { followingB.cancel() }
        try await converged(edgeB, collector)
        #expect(edgeB.revision == edgeA.revision)
        // B began at the checkpoint: it cannot resume from before it, A can.
        #expect(edgeB.backlog(after: ClusterReplica.revision(ofSequence: checkpointed - 1)) == nil)

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
        #expect(fromB.map { key($0) } == original.map { key($0, stampedWith: "test") })
        #expect(Set(fromB.map(\.revision)).count == fromB.count && fromB.first.map { $0.revision > seen } == true)

        // Events carry their stream's sequence, the same on both edges.
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the event on both edges") {
            edgeA.eventSeq == 1 && edgeB.eventSeq == 1
        }
        #expect(edgeA.events().map(\.id) == ["ev-000001"] && edgeB.events().map(\.reason) == ["Hot"])
        #expect(edgeA.events().map(\.entityID) == ["@test:a"])
    }

    /// What an update is about: its entity's or connection's id, stamped as an edge would.
    func key(_ update: LoggedUpdate, stampedWith cluster: String? = nil) -> String? {
        guard let cluster else { return update.entity?.id ?? update.connection?.id }
        if let entity = update.entity { return ClusterIDs.stamp(entity.id, cluster: cluster) }
        return update.connection.map { ClusterIDs.stamp($0, cluster: cluster).id }
    }

    func updates(_ store: TopologyStore, after revision: UInt64) throws -> [LoggedUpdate] {
        guard case .updates(let updates) = store.updates(after: revision) else {
            throw PeerError("the store's log does not reach back to \(revision)")
        }
        return updates
    }

    /// The edge holds the collectors' entities and connections, byte for byte, under ids with their cluster.
    func converged(
        _ edge: TopologyStore, _ collector: TopologyStore, cluster: String = "test",
        and more: [String: TopologyStore] = [:]
    ) async throws {
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the edge to converge") {
            var all = json(collector.snapshot(), cluster: cluster)
            for (cluster, store) in more { all.merge(json(store.snapshot(), cluster: cluster)) { a, _ in a } }
            return json(edge.snapshot()) == all
        }
    }

    /// An edge that starts now holds the same map as the running `edge`, and
    /// `next`, applied by the collector, gets the same id on both.
    func aLateEdgeMatches(
        _ edge: TopologyStore, _ collector: TopologyStore, cluster: String, next: Entity,
        options: NATSConnectionOptions
    ) async throws {
        let late = TopologyStore()
        let following = follow(late, options: options)
        defer { following.cancel() }
        try await converged(late, collector, cluster: cluster)
        collector.apply([.upsertEntity(next)])
        try await converged(late, collector, cluster: cluster)
        try await converged(edge, collector, cluster: cluster)
        #expect(late.revision == edge.revision)
    }

    /// An edge following every cluster (or `clusters`) into `store`, until cancelled.
    func follow(
        _ store: TopologyStore, options: NATSConnectionOptions, clusters: Set<String>? = nil,
        staleAfter: Duration = .seconds(5)
    ) -> Task<Void, Never> {
        Task {
            await ClusterReplica(store: store, clusters: clusters, staleAfter: staleAfter, statusBoard: nil)
                .run(options: options)
        }
    }

    /// A collector publishing `store` as `cluster`, until cancelled.
    func publish(
        _ store: TopologyStore, as cluster: String, options: NATSConnectionOptions,
        checkpointInterval: Duration = .seconds(60), heartbeatInterval: Duration = .seconds(1), partBytes: Int? = nil
    ) -> Task<Void, Never> {
        Task {
            await ClusterPublisher(
                store: store, names: try! ScaleOutNames(cluster: cluster), checkpointInterval: checkpointInterval,
                heartbeatInterval: heartbeatInterval, partBytes: partBytes
            ).run(options: options)
        }
    }

    func json(_ topology: Topology, cluster: String? = nil) -> [String: [UInt8]] {
        let topology = cluster.map { ClusterIDs.stamp(topology, cluster: $0) } ?? topology
        var all: [String: [UInt8]] = [:]
        for entity in topology.entities { all[entity.id] = entity.jsonBytes() }
        for connection in topology.connections { all[connection.id] = connection.jsonBytes() }
        return all
    }

    /// A nats-server with JetStream in a temp dir, and how to reach it.
    func startNATS() async throws -> (PeerProcess, NATSConnectionOptions) {
        let port = try PeerProcess.freePort()
        let nats = try await startNATS(port: port, directory: try PeerProcess.makeDirectory("nats"))
        return (nats, NATSConnectionOptions(host: "127.0.0.1", port: port))
    }

    /// nats-server with JetStream on `port`, its store in `directory`: a
    /// restart after `stop(keepDirectory: true)` finds its streams again.
    func startNATS(port: Int, directory: URL) async throws -> PeerProcess {
        let nats = try PeerProcess.start(
            "nats-server",
            ["-a", "127.0.0.1", "-p", "\(port)", "-js", "-sd", directory.appendingPathComponent("js").path],
            name: "nats", directory: directory)
        try await nats.waitForPort(port)
        return nats
    }
}
