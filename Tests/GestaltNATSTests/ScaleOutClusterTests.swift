import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers
import Testing

/// Several clusters per edge, stale marks, and a gap: real nats-server, in process.
extension ScaleOutTests {
    func entity(_ id: String, cpu: Double = 0) -> Entity {
        Entity(id: id, kind: .service, name: id, namespace: "shop", source: "test", cpuPercent: cpu)
    }

    func collector(_ base: UInt64) -> TopologyStore {
        var configuration = StoreConfiguration()
        configuration.startingCounter = base
        return TopologyStore(configuration: configuration)
    }

    func checkpointSequence(_ options: NATSConnectionOptions, _ cluster: String) async throws -> UInt64? {
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        let last = try await js.lastMessage(
            stream: ScaleOutNames.checkpointStream, subject: try ScaleOutNames(cluster: cluster).checkpointSubject)
        return last?.headers?[ScaleOutNames.topologySequenceHeader].flatMap { UInt64($0) }
    }

    @Test func twoClustersMergeOnEveryEdgeAndAClientResumesOnAnyOfThem() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000), west = collector(2_000_000)
        let publishers = [
            publish(east, as: "east", options: options, checkpointInterval: .milliseconds(200)),
            publish(west, as: "west", options: options, checkpointInterval: .milliseconds(200)),
        ]
        defer { for publisher in publishers { publisher.cancel() } }
        // The same local ids in both clusters: the edge keeps them apart.
        east.apply([
            .upsertEntity(entity("a")), .upsertEntity(entity("b")),
            .upsertConnection(Connection(sourceID: "a", targetID: "b", kind: .http)),
        ])
        west.apply([.upsertEntity(entity("a")), .upsertEntity(entity("c"))])
        let edgeA = TopologyStore(), edgeB = TopologyStore()
        let followingA = follow(edgeA, options: options)
        defer { followingA.cancel() }
        try await converged(edgeA, east, cluster: "east", and: ["west": west])
        #expect(edgeA.entity(id: "@east:a") != nil && edgeA.entity(id: "@west:a") != nil)

        // The checkpoints cover different sequences; edge B merges them.
        west.apply([.upsertEntity(entity("c", cpu: 5))])
        try await converged(edgeA, east, cluster: "east", and: ["west": west])
        let last = ClusterReplica.sequence(ofRevision: edgeA.revision)
        try await PeerProcess.waitUntil(timeout: .seconds(20), "checkpoints of both clusters") {
            let e = try await checkpointSequence(options, "east"), w = try await checkpointSequence(options, "west")
            return (e ?? 0) >= last - 1 && (w ?? 0) >= last - 1
        }
        east.record(
            InfraEvent(
                type: "Warning", reason: "Hot", message: "cpu", entityID: "a", entityKind: .service,
                entityName: "a", severity: .warning))
        let followingB = follow(edgeB, options: options, clusters: ["east", "west"])
        defer { followingB.cancel() }
        try await converged(edgeB, east, cluster: "east", and: ["west": west])

        // A client of A saw up to `seen`; both collectors change at once; it resumes on B.
        let seen = edgeA.revision
        let (eastSeen, westSeen) = (east.revision, west.revision)
        async let eastChanges: Void = change(east, "e")
        async let westChanges: Void = change(west, "w")
        _ = await (eastChanges, westChanges)
        try await converged(edgeA, east, cluster: "east", and: ["west": west])
        try await converged(edgeB, east, cluster: "east", and: ["west": west])
        let fromA = try updates(edgeA, after: seen), fromB = try updates(edgeB, after: seen)
        #expect(fromA.map(\.revision) == fromB.map(\.revision) && fromA.map(\.json) == fromB.map(\.json))
        #expect(Set(fromB.map(\.revision)).count == fromB.count && fromB.first.map { $0.revision > seen } == true)
        // Each cluster's share is exactly what its collector did, in its order: nothing lost, nothing twice.
        for (cluster, store, from) in [("east", east, eastSeen), ("west", west, westSeen)] {
            let mine = fromB.filter { (key($0) ?? "").contains("@\(cluster):") }
            let original = try updates(store, after: from)
            #expect(mine.map { key($0) } == original.map { key($0, stampedWith: cluster) })
            #expect(mine.map(\.kind) == original.map(\.kind))
        }
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the event on both edges") {
            edgeA.events().count == 1 && edgeB.events().count == 1
        }
        #expect(edgeA.events().map(\.id) == edgeB.events().map(\.id) && edgeB.events().map(\.entityID) == ["@east:a"])
    }

    /// Twenty changes, one at a time, so they interleave with the other cluster's.
    private func change(_ store: TopologyStore, _ prefix: String) async {
        for index in 0..<20 {
            store.apply([.upsertEntity(entity("\(prefix)\(index % 5)", cpu: Double(index)))])
            if index % 7 == 6 { store.apply([.removeEntity(id: "\(prefix)\(index % 5)")]) }
            await Task.yield()
        }
    }

    @Test func aSilentCollectorsEntitiesGoStaleOnEveryEdgeThatHearsNoBeatAndComeBack() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000)
        let names = try ScaleOutNames(cluster: "east")
        func publisher() -> Task<Void, Never> {
            publish(east, as: names.cluster, options: options, heartbeatInterval: .milliseconds(100))
        }
        var publishing = publisher()
        defer { publishing.cancel() }
        east.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b"))])
        let edges = [TopologyStore(), TopologyStore()]
        let board = SourceStatusBoard()
        let following = edges.enumerated().map { index, edge in
            Task {
                await ClusterReplica(
                    store: edge, clusters: nil, staleAfter: .milliseconds(800), statusBoard: index == 0 ? board : nil
                ).run(options: options)
            }
        }
        func status() -> SourceStatus? { board.all.first { $0.name == "jetstream" } }
        defer { for task in following { task.cancel() } }
        for edge in edges { try await converged(edge, east, cluster: "east") }

        publishing.cancel()
        try await PeerProcess.waitUntil(timeout: .seconds(20), "every entity stale on both edges") {
            edges.allSatisfy { edge in edge.snapshot().entities.allSatisfy(\.stale) && edge.entityCount == 2 }
        }
        // Each edge marked its own copies: nothing was published for it.
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        let last = try #require(
            try await js.lastMessage(stream: ScaleOutNames.topologyStream, subject: names.topologySubject))
        #expect(last.headers?[ScaleOutNames.markHeader] == nil)
        // /api/sources says which cluster is silent; the edge stays ready to serve.
        #expect(status()?.state == .degraded && status()?.details["east"] != nil)

        publishing = publisher()
        try await PeerProcess.waitUntil(timeout: .seconds(20), "every entity current again") {
            edges.allSatisfy { edge in edge.snapshot().entities.allSatisfy { !$0.stale } }
        }
        #expect(edges.allSatisfy { $0.entityCount == 2 })
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the edge's status ready again") {
            status()?.state == .ready
        }
    }

    @Test func anEdgePastTheStreamsRetentionStartsAgainFromTheCheckpoint() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        // A stream that keeps only 30 updates: made before the collector, which keeps it as it is.
        let admin = JetStream(try await NATSConnection.connect(options))
        defer { Task { await admin.connection.close() } }
        var small = ScaleOutNames.streams[0]
        small.maxMessages = 30
        _ = try await admin.ensureStream(small)

        let east = collector(1_000_000)
        let publishing = publish(east, as: "east", options: options, checkpointInterval: .milliseconds(200))
        defer { publishing.cancel() }
        east.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b")), .upsertEntity(entity("c"))])
        let edge = TopologyStore()
        let replica = ClusterReplica(store: edge, clusters: nil, statusBoard: nil)
        var following = Task { await replica.run(options: options) }
        try await converged(edge, east, cluster: "east")
        following.cancel()
        let stopped = ClusterReplica.sequence(ofRevision: edge.revision)

        // 91 updates while the edge is away: the first 61 age out of the stream.
        east.apply([.removeEntity(id: "c")])
        for index in 0..<60 { east.apply([.upsertEntity(entity("n\(index)"))]) }
        for index in 0..<30 { east.apply([.removeEntity(id: "n\(index)")]) }
        try await PeerProcess.waitUntil(timeout: .seconds(20), "a checkpoint past the burst") {
            let info = try await admin.streamInfo(ScaleOutNames.topologyStream).state
            let checkpoint = try await checkpointSequence(options, "east") ?? 0
            return info.firstSequence > stopped + 1 && info.lastSequence >= stopped + 91
                && checkpoint >= info.lastSequence
        }
        following = Task { await replica.run(options: options) }
        defer { following.cancel() }
        try await converged(edge, east, cluster: "east")
        #expect(edge.entity(id: "@east:c") == nil)  // its removal aged out; the checkpoint has it gone
        // A client from before the gap gets a `full`.
        #expect(edge.backlog(after: ClusterReplica.revision(ofSequence: stopped)) == nil)
    }
}

extension ScaleOutTests {
    @Test func aNATSOutageMarksEveryClusterStaleOnTheEdgesAndHealsWhenItIsBack() async throws {
        let (first, options) = try await startNATS()
        var nats = first  // restarted below
        defer { nats.stop() }
        let east = collector(1_000_000)
        let publishing = publish(east, as: "east", options: options, heartbeatInterval: .milliseconds(100))
        defer { publishing.cancel() }
        east.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b"))])
        let edges = [TopologyStore(), TopologyStore()]
        let following = edges.map { follow($0, options: options, staleAfter: .milliseconds(800)) }
        defer { for task in following { task.cancel() } }
        for edge in edges { try await converged(edge, east, cluster: "east") }
        let before = edges[0].revision

        // NATS goes away: no beat, no publish; each edge marks its own store,
        // between two stream sequences, and both number the marks alike.
        nats.stop(keepDirectory: true)
        try await PeerProcess.waitUntil(timeout: .seconds(30), "every entity stale on both edges") {
            edges.allSatisfy { edge in edge.entityCount == 2 && edge.snapshot().entities.allSatisfy(\.stale) }
        }
        #expect(edges[0].revision == edges[1].revision && edges[0].revision == before + 2)
        #expect(ClusterReplica.sequence(ofRevision: edges[0].revision) == ClusterReplica.sequence(ofRevision: before))

        // NATS is back (same store): beats again, each edge clears its own marks.
        nats = try await startNATS(port: options.port, directory: nats.directory)
        try await PeerProcess.waitUntil(timeout: .seconds(30), "every entity current again") {
            edges.allSatisfy { edge in edge.snapshot().entities.allSatisfy { !$0.stale } }
        }
        try await PeerProcess.waitUntil(timeout: .seconds(20), "both edges at one revision") {
            edges[0].revision == edges[1].revision
        }
        #expect(edges[0].revision == before + 4)
    }
}
