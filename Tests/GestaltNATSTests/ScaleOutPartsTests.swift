import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import NIOCore
import TestPeers
import Testing

/// Checkpoints and rosters larger than nats-server's max_payload go in parts.
extension ScaleOutTests {
    @Test func rosterPartsFitTheirLimitAndCoverEveryIDOnce() throws {
        let ids = (0..<500).map { "k8s:pod/shop/api-\($0)" } + (0..<50).map { "web-\($0)" } + ["a\"b", "c/d"]
        let parts = RosterPart.parts(of: ids, cluster: "east", limit: 1_000)
        #expect(parts.count > 10)
        #expect(parts.first?.from == nil && parts.last?.until == nil)
        for (part, next) in zip(parts, parts.dropFirst()) { #expect(part.until != nil && part.until == next.from) }
        for part in parts {
            let json = try part.json()
            #expect(json.count <= 1_000)
            #expect(RosterPart.decode(json) == part)
        }
        // Each id falls in exactly one part's range: the part that names it.
        for id in ids {
            let covering = parts.filter { $0.covers(ClusterIDs.stamp(id, cluster: "east"), cluster: "east") }
            #expect(covering.count == 1)
            #expect(covering.first?.ids.contains(id) == true)
        }
        // So does an id no part names: one part removes it.
        for id in ["", "k8s:pod/shop/api-250x", "zzz", "k8s@east:zz"] {
            #expect(parts.filter { $0.covers(ClusterIDs.stamp(id, cluster: "east"), cluster: "east") }.count == 1)
        }
        // A roster that fits is the bare array earlier collectors sent.
        let whole = RosterPart.parts(of: ["b", "a"], cluster: "east", limit: 1_000)
        let wholeJSON = try whole[0].json()
        #expect(whole.count == 1 && String(decoding: wholeJSON, as: UTF8.self) == #"["a","b"]"#)
        #expect(RosterPart.parts(of: [], cluster: "east", limit: 10) == [RosterPart(ids: [])])
        for bad in ["{}", "[1]", "{\"ids\": \"a\"}", "", "nonsense"] {
            #expect(RosterPart.decode(Data(bad.utf8)) == nil)
        }
    }

    /// nats-server's default max_payload (1 MiB) against a 2 MB checkpoint.
    @Test func aCheckpointPastMaxPayloadGoesInPartsThatANewEdgeRestores() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let names = try ScaleOutNames(cluster: "big")
        let store = collector(1_000_000)
        let pad = String(repeating: "x", count: 400)
        store.apply(
            (0..<4_000).map { i in
                .upsertEntity(
                    Entity(
                        id: "k8s:pod/shop/api-\(i)", kind: .pod, name: "api-\(i)", namespace: "shop", source: "test",
                        labels: ["pad": pad]))
            })
        let size = store.snapshotJSON(asFullUpdate: false).json.count
        #expect(size > 1_048_576)
        let publishing = publish(store, as: names.cluster, options: options, checkpointInterval: .milliseconds(300))
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        try await PeerProcess.waitUntil(timeout: .seconds(60), "three checkpoints in parts") {
            // Not made yet: not there yet.
            (try? await js.streamInfo(ScaleOutNames.checkpointStream))?.state.lastSequence ?? 0 >= 3
        }
        publishing.cancel()
        await publishing.value
        let manifest = try #require(
            try await js.lastMessage(stream: ScaleOutNames.checkpointStream, subject: names.checkpointSubject))
        let parts = try #require(manifest.headers?[ScaleOutNames.checkpointPartsHeader]).split(separator: ",")
        #expect(parts.count == (size + 1_048_576 - 4_097) / (1_048_576 - 4_096))
        #expect(manifest.payload.readableBytes == 0)
        // Older checkpoints' parts were purged: what is left is the last
        // one's, and at most one more checkpoint's that the cancel cut short.
        let stored = try await js.subjects(stream: ScaleOutNames.checkpointPartStream, filter: ">")
        #expect((stored[names.checkpointPartSubject] ?? 0) <= UInt64(2 * parts.count))

        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        try await converged(edge, store, cluster: "big")
        // It began at the checkpoint, not by replaying the 4,000 updates.
        #expect(edge.backlog(after: ClusterReplica.revision(ofSequence: 10)) == nil)
    }

    /// Two collectors started in the same millisecond have the same process
    /// base, so the same revisions; the shared streams must not take one's
    /// updates or events for duplicates of the other's.
    @Test func collectorsWithTheSameBaseAreNotEachOthersDuplicates() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let east = collector(1_000_000), west = collector(1_000_000)
        let publishers = [("east", east), ("west", west)].map { publish($1, as: $0, options: options) }
        defer { for publisher in publishers { publisher.cancel() } }
        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        // The same revisions in both: 1,000,001 to 1,000,003.
        east.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b")), .upsertEntity(entity("c"))])
        west.apply([.upsertEntity(entity("x")), .upsertEntity(entity("y")), .upsertEntity(entity("z"))])
        #expect(east.revision == west.revision)
        try await converged(edge, east, cluster: "east", and: ["west": west])
        for (cluster, store) in [("east", east), ("west", west)] {
            _ = store.record(
                InfraEvent(
                    type: "Normal", reason: "from-\(cluster)", message: "m", entityID: "a", entityKind: .pod,
                    entityName: "a", severity: .info))
        }
        try await PeerProcess.waitUntil(timeout: .seconds(20), "both clusters' events on the edge") {
            Set(edge.events(filter: EventFilter(), limit: 10).map(\.reason)) == ["from-east", "from-west"]
        }
    }

    /// A manifest whose part a newer checkpoint replaced is said to be
    /// replaced (the edge reads the newest again); one naming its parts in
    /// nonsense is an error.
    @Test func aManifestIsReadOnlyWithItsOwnParts() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        _ = try await ScaleOutStreams.ensure(js)
        let names = try ScaleOutNames(cluster: "east")
        var part = NATSHeaders()
        part[ScaleOutNames.checkpointIDHeader] = "1-2"
        let first = try await js.publish(ByteBuffer(string: "{\"a\":"), to: names.checkpointPartSubject, headers: part)
        let second = try await js.publish(ByteBuffer(string: "1}"), to: names.checkpointPartSubject, headers: part)
        func manifest(id: String, parts: String) async throws -> StoredMessage {
            var headers = NATSHeaders()
            headers[ScaleOutNames.checkpointIDHeader] = id
            headers[ScaleOutNames.checkpointPartsHeader] = parts
            _ = try await js.publish(ByteBuffer(), to: names.checkpointSubject, headers: headers)
            return try #require(
                try await js.lastMessage(stream: ScaleOutNames.checkpointStream, subject: names.checkpointSubject))
        }
        let whole = try await CheckpointParts.payload(
            js, try await manifest(id: "1-2", parts: "\(first.sequence),\(second.sequence)"))
        #expect(String(buffer: whole) == "{\"a\":1}")
        await #expect(throws: CheckpointParts.Replaced.self) {
            try await CheckpointParts.payload(js, try await manifest(id: "1-3", parts: "\(first.sequence)"))
        }
        await #expect(throws: CheckpointParts.Replaced.self) {
            try await CheckpointParts.payload(js, try await manifest(id: "1-2", parts: "99"))
        }
        for bad in ["", "1,x", ",", "-1"] {
            await #expect(throws: ScaleOutError.self) {
                try await CheckpointParts.payload(js, try await manifest(id: "1-2", parts: bad))
            }
        }
    }

    /// A restarted collector's roster and checkpoints in many small parts:
    /// running edges drop what vanished, and a new edge holds the same map.
    @Test func aRosterInPartsRemovesWhatVanishedInEveryRange() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let names = try ScaleOutNames(cluster: "east")
        func publisher(_ store: TopologyStore) -> Task<Void, Never> {
            publish(store, as: names.cluster, options: options, partBytes: 300)
        }
        let ids = (0..<100).map { "k8s:pod/shop/api-\($0)" }
        let before = collector(1_000_000)
        before.apply(ids.map { .upsertEntity(entity($0)) })
        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        let first = publisher(before)
        try await converged(edge, before, cluster: "east")
        first.cancel()
        await first.value

        // Back with every other entity: the roster spans several parts.
        let after = collector(3_000_000)
        after.apply(ids.enumerated().filter { $0.offset % 2 == 0 }.map { .upsertEntity(entity($0.element)) })
        #expect(RosterPart.parts(of: ids, cluster: "east", limit: 300).count > 5)
        let second = publisher(after)
        defer { second.cancel() }
        try await converged(edge, after, cluster: "east")

        try await aLateEdgeMatches(edge, after, cluster: "east", next: entity("k8s:pod/shop/api-1"), options: options)
    }
}
