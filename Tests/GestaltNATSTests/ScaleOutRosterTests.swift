import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import NIOCore
import Synchronization
import TestPeers
import Testing

/// A restarted collector's first checkpoint is authoritative for its cluster:
/// what vanished while it was down leaves every running edge. Real nats-server.
extension ScaleOutTests {
    @Test func aRestartedCollectorsRosterRemovesWhatVanishedWhileItWasDown() async throws {
        let (nats, options) = try await startNATS()
        defer { nats.stop() }
        let names = try ScaleOutNames(cluster: "east")
        func publisher(_ store: TopologyStore) -> Task<Void, Never> {
            publish(store, as: names.cluster, options: options)
        }
        let before = collector(1_000_000)
        before.apply([
            .upsertEntity(entity("x")), .upsertEntity(entity("y")),
            .upsertConnection(Connection(sourceID: "x", targetID: "y", kind: .http)),
        ])
        let edge = TopologyStore()
        let following = follow(edge, options: options)
        defer { following.cancel() }
        let first = publisher(before)
        defer { first.cancel() }
        try await converged(edge, before, cluster: "east")
        first.cancel()
        await first.value

        // A client connected from here on (SSE and WebSocket serve this log).
        let seen = edge.revision
        // The collector comes back; its source is still syncing: its first
        // checkpoint (an empty map) comes with no roster, and nothing is removed.
        let after = collector(3_000_000)
        let synced = Mutex(false)
        let second = Task {
            await ClusterPublisher(
                store: after, names: names, checkpointInterval: .seconds(60), synced: { synced.withLock { $0 } }
            ).run(options: options)
        }
        defer { second.cancel() }
        let js = JetStream(try await NATSConnection.connect(options))
        defer { Task { await js.connection.close() } }
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the restarted collector's first checkpoint") {
            guard
                let last = try await js.lastMessage(
                    stream: ScaleOutNames.checkpointStream, subject: names.checkpointSubject)
            else { return false }
            return try JSONDecoder().decode(Topology.self, from: Data(last.payload.readableBytesView)).entities.isEmpty
        }
        let newest = try await js.lastMessage(stream: ScaleOutNames.topologyStream, subject: names.topologySubject)
        #expect(newest?.headers?[ScaleOutNames.rosterHeader] == nil)
        // Synced, and its source has only x now.
        after.apply([.upsertEntity(entity("x"))])
        synced.withLock { $0 = true }
        try await converged(edge, after, cluster: "east")
        #expect(edge.entity(id: "@east:y") == nil && edge.snapshot().connections.isEmpty)
        let heard = try updates(edge, after: seen).filter { $0.kind == .remove || $0.kind == .connRemove }
        #expect(heard.map(\.kind) == [.connRemove, .remove])
        #expect(heard.last?.entity?.id == "@east:y")

        // An edge that starts now, from the new checkpoint, holds the same map;
        // the next update has the same id on both.
        try await aLateEdgeMatches(edge, after, cluster: "east", next: entity("z"), options: options)
    }

    @Test func aRosterRemovesOnlyItsOwnClustersEntities() {
        let store = TopologyStore()
        let topology = Topology(
            revision: 4 << 20, timestamp: .now(),
            entities: ["@east:a", "@east:b", "@west:b"].map { entity($0) },
            connections: [Connection(sourceID: "@east:a", targetID: "@east:b", kind: .http)],
            summary: TopologySummary())
        #expect(store.restore(topology, then: []))
        // Two removals and a connection's, in a room of two: refused, nothing changes.
        #expect(
            store.replicateRemovals(ids: ["@east:b", "@east:a"], revision: 5 << 20, below: (5 << 20) + 2, now: .now())
                == nil)
        #expect(store.entityCount == 3)
        #expect(store.replicateRemovals(ids: ["@east:b"], revision: 5 << 20, below: 6 << 20, now: .now()) == 2)
        #expect(store.revision == (5 << 20) + 1 && store.entity(id: "@west:b") != nil)
        // A redelivery is skipped.
        #expect(store.replicateRemovals(ids: ["@east:a"], revision: 5 << 20, below: 6 << 20, now: .now()) == nil)
    }
}
