import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import NIOCore
import TestPeers
import Testing

/// The collector keeps many publishes in flight; a nats-server restart in
/// the middle of a burst loses none, repeats none and reorders none. Real nats-server.
extension ScaleOutTests {
    @Test func aPipelinedBurstAcrossANATSRestartReachesTheStreamOnceEachInOrder() async throws {
        let (first, options) = try await startNATS()
        var nats = first  // restarted below
        defer { nats.stop() }
        let names = try ScaleOutNames(cluster: "east")
        let east = collector(1_000_000)
        let count = 8000
        for index in 0..<count { east.apply([.upsertEntity(entity("n\(index)"))]) }
        let publishing = Task {
            await ClusterPublisher(store: east, names: names, checkpointInterval: .seconds(60), window: 256)
                .run(options: options)
        }
        defer { publishing.cancel() }
        let admin = try await NATSConnection.connect(options)
        defer { Task { await admin.close() } }
        let js = JetStream(admin)
        // Mid-burst: some updates stored, not all.
        try await PeerProcess.waitUntil(timeout: .seconds(60), "part of the burst in the stream") {
            let last = (try? await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence) ?? 0
            return last > 0
        }
        nats.stop(keepDirectory: true)
        nats = try await startNATS(port: options.port, directory: nats.directory)
        try await PeerProcess.waitUntil(timeout: .seconds(120), "the whole burst in the stream") {
            let last = (try? await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence) ?? 0
            return last >= UInt64(count)
        }

        // The stream's order is the store's: every revision once, ascending.
        struct Done: Error {}
        var revisions: [UInt64] = []
        do {
            try await js.consumeOrdered(stream: ScaleOutNames.topologyStream, filterSubject: nil, from: 1) { message in
                let update = try JSONDecoder().decode(
                    TopologyUpdate.self, from: Data(message.payload.readableBytesView))
                revisions.append(update.revision)
                if revisions.count == count { throw Done() }
            }
        } catch is Done {}
        #expect(revisions == (1...count).map { 1_000_000 + UInt64($0) })
        let info = try await js.streamInfo(ScaleOutNames.topologyStream).state
        #expect(info.lastSequence == UInt64(count))
    }
}
