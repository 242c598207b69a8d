import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers
import Testing

/// A rescan job against a real nats-server: the source polls only once an
/// hour, so what appears after its first poll is seen only because the job
/// asked the running loop for a poll now.
@Suite struct NATSRescanTests {
    @Test func aRescanPollsNowAndSeesAStreamTheLastPollMissed() async throws {
        let server = try NATSSourceTests.Server()
        try await server.start()
        defer { server.stop() }

        let store = TopologyStore()
        let board = SourceStatusBoard()
        let instance = SourceInstance(kind: "nats")
        let context = SourceContext(instance: instance, sink: store, store: store, statusBoard: board)
        let source = NATSSource(
            instance: instance,
            configuration: NATSSourceConfiguration(
                url: "nats://127.0.0.1:\(server.port)", monitorURL: "http://127.0.0.1:\(server.monitorPort)",
                pollInterval: .seconds(3600)))
        let run = Task { try await source.run(in: context) }
        defer { run.cancel() }
        try await waitUntil("the first poll") { board.status(of: "nats")?.state == .ready }

        let connection = try await NATSConnection.connect(
            NATSConnectionOptions(port: server.port, name: "late-publisher"))
        _ = try await JetStream(connection).createStream(StreamConfig(name: "LATE", subjects: ["late.>"]))
        #expect(store.entity(id: "nats:stream/LATE") == nil)

        let jobs = JobRunner(store: store)
        jobs.attach(sources: [source], sink: store, statusBoard: board)
        let job = try jobs.submit(JobRequest(kind: .rescan, sources: ["nats"]))
        try await waitUntil("the rescan ends") { jobs.job(job.id)?.state.isFinished == true }
        let done = try #require(jobs.job(job.id))
        #expect(done.state == .completed)
        #expect(done.pluginStatus["nats"] == .completed)
        #expect(store.entity(id: "nats:stream/LATE") != nil, "the poll the job asked for saw the new stream")
        await connection.close()
    }
}
