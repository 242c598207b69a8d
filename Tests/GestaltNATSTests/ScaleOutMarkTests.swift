import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import NIOCore
import TestPeers
import Testing

/// Stale marks are each edge's own, the collector beats through a burst, and
/// a restore whose stream aged out does not hang: real nats-server, in process.
extension ScaleOutTests {
    @Test func aPublishedMarkIsSkipped() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000)
        let names = try ScaleOutNames(cluster: "east")
        let publishing = publish(east, as: names.cluster, options: options)
        defer { publishing.cancel() }
        east.apply([.upsertEntity(entity("a", cpu: 1)), .upsertEntity(entity("b"))])
        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        try await converged(edge, east, cluster: "east")

        // A mark as an older edge published it: each edge judges the beats it hears itself.
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        var headers = NATSHeaders()
        headers[ScaleOutNames.markHeader] = "stale"
        _ = try await js.publish(ByteBuffer(), to: names.topologySubject, headers: headers, messageID: "m-1")
        east.apply([.upsertEntity(entity("a", cpu: 50))])
        try await converged(edge, east, cluster: "east")
        #expect(edge.snapshot().entities.allSatisfy { !$0.stale })
    }

    @Test func anEdgeThatHearsTheBeatsNeverTakesAnotherEdgesStaleMark() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000)
        let names = try ScaleOutNames(cluster: "east")
        // One beat at start, the next a minute later: past the deaf edge's deadline, within the other's.
        let publishing = publish(east, as: names.cluster, options: options, heartbeatInterval: .seconds(60))
        defer { publishing.cancel() }
        east.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b"))])
        let deaf = TopologyStore(), hearing = TopologyStore()
        let following = [(deaf, Duration.milliseconds(300)), (hearing, Duration.seconds(600))].map {
            follow($0, options: options, staleAfter: $1)
        }
        defer { for task in following { task.cancel() } }
        try await converged(hearing, east, cluster: "east")
        try await PeerProcess.waitUntil(timeout: .seconds(20), "every entity stale on the deaf edge") {
            deaf.entityCount == 2 && deaf.snapshot().entities.allSatisfy(\.stale)
        }
        // Whatever the deaf edge did, the stream holds it before this update.
        east.apply([.upsertEntity(entity("c"))])
        try await converged(hearing, east, cluster: "east")
        #expect(hearing.snapshot().entities.allSatisfy { !$0.stale })
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the deaf edge has c") { deaf.entityCount == 3 }
        #expect(deaf.entity(id: "@east:a")?.stale == true && deaf.entity(id: "@east:c")?.stale == false)
    }

    @Test func theCollectorBeatsThroughAPublishBurst() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000)
        let names = try ScaleOutNames(cluster: "east")
        let listener = try await NATSConnection.connect(options)
        defer { Task { await listener.close() } }
        let beats = try await listener.subscribe(to: names.heartbeatSubject)
        for index in 0..<3000 { east.apply([.upsertEntity(entity("n\(index)"))]) }
        let publishing = Task {
            await ClusterPublisher(
                store: east, names: names, checkpointInterval: .seconds(60), heartbeatInterval: .milliseconds(50),
                window: 1
            ).run(options: options)
        }
        defer { publishing.cancel() }
        // Three beats, one at its start and two later: the stream has not
        // all 3000 updates yet (one acknowledged publish at a time: a long burst).
        var heard = 0
        for await _ in beats {
            heard += 1
            if heard == 3 { break }
        }
        let js = JetStream(listener)
        #expect(try await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence < 3000)
    }

    // Disabled in stop 26: its nats-server died mid-test under load. The
    // kept log (TestPeers' PeerLogs) showed why: nats-server 2.9.10 panics
    // (nil pointer in jsMsgGetRequest) when a message get meets a stream
    // that another connection is still creating, and this test polled the
    // checkpoint stream's last message every few milliseconds while the
    // first collector created it. The streams are made before any poll now.
    @Test
    func aRestoreWhoseUpdatesAgedOutDoesNotWaitForThem() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000)
        let west = collector(2_000_000)
        func publisher(_ cluster: String, _ store: TopologyStore) -> Task<Void, Never> {
            publish(store, as: cluster, options: options, checkpointInterval: .milliseconds(200))
        }
        func checkpointAt(_ cluster: String) async -> UInt64 {
            (try? await checkpointSequence(options, cluster)).flatMap { $0 } ?? 0
        }
        // Made before anything asks them for a message (see above).
        let admin = JetStream(try await NATSConnection.connect(options))
        defer { Task { await admin.connection.close() } }
        _ = try await ScaleOutStreams.ensure(admin)
        // One collector after the other, each stopped once it has checkpointed:
        // two running collectors checkpoint at the stream's last sequence
        // every 200 ms, so their checkpoints would soon name the same one.
        let eastPublisher = publisher("east", east)
        defer { eastPublisher.cancel() }
        east.apply([.upsertEntity(entity("a"))])
        try await PeerProcess.waitUntil(timeout: .seconds(20), "east's checkpoint") { await checkpointAt("east") > 0 }
        eastPublisher.cancel()
        await eastPublisher.value
        let eastAt = await checkpointAt("east")
        let westPublisher = publisher("west", west)
        defer { westPublisher.cancel() }
        west.apply([.upsertEntity(entity("b"))])
        try await PeerProcess.waitUntil(timeout: .seconds(20), "west's checkpoint past east's") {
            await checkpointAt("west") > eastAt
        }
        westPublisher.cancel()
        await westPublisher.value
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        // Every update gone from the stream (as if aged out), the checkpoints left.
        let purged = try await js.connection.request(
            ByteBuffer(string: "{}"), to: "$JS.API.STREAM.PURGE.\(ScaleOutNames.topologyStream)")
        #expect(String(buffer: purged.payload).contains("\"success\":true"))

        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        try await converged(edge, east, cluster: "east", and: ["west": west])
    }

    @Test func anOlderPerClusterStreamIsNamedWhenItBlocksTheSharedOne() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        _ = try await js.createStream(StreamConfig(name: "GESTALT_east_TOPOLOGY", subjects: ["gestalt.east.topology"]))
        let error = await #expect(throws: ScaleOutError.self) { try await ScaleOutStreams.ensure(js) }
        #expect(error?.description.contains("GESTALT_east_TOPOLOGY") == true)
    }
}
