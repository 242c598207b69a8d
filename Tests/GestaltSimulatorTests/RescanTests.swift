import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@testable import GestaltSimulator

/// A rescan job against the running simulator: the request is served by the
/// cluster's own task, and the job puts right what the store lost or changed
/// behind the simulator's back.
@Suite struct RescanTests {
    static func rescan(_ source: SimulatorSource, store: TopologyStore, board: SourceStatusBoard) async throws -> Job {
        let jobs = JobRunner(store: store)
        jobs.attach(sources: [source], sink: store, statusBoard: board)
        let job = try jobs.submit(JobRequest(kind: .rescan))
        try await waitUntil("the rescan ends") { jobs.job(job.id)?.state.isFinished == true }
        return try #require(jobs.job(job.id))
    }

    @Test(arguments: [0.0, 200.0])
    func aRescanRestoresWhatTheStoreLostBehindTheSimulatorsBack(rate: Double) async throws {
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let source = SimulatorSource(
            configuration: SimulatorConfiguration(seed: 73, changesPerSecond: rate, tickInterval: .milliseconds(20)))
        #expect(source.pluginMetadata.capabilities == ["collect", "rescan"])
        let context = SourceContext(instance: source.instance, sink: store, store: store, statusBoard: board)
        let run = Task { try await source.run(in: context) }
        defer { run.cancel() }
        try await waitUntil("the cluster is loaded") { board.status(of: "simulator")?.state == .ready }

        // Drift: a namespace the simulator never removes is taken from the store by someone else.
        let namespace = try #require(
            store.snapshot().entities.first { $0.kind == .namespace && $0.source == "simulator" })
        store.apply([.removeEntity(id: namespace.id)])
        #expect(store.entity(id: namespace.id) == nil)

        let job = try await Self.rescan(source, store: store, board: board)
        #expect(job.state == .completed)
        #expect(!job.warnings.contains { $0.hasPrefix("simulator") }, "only health scoring may warn")
        #expect(Set(job.pluginTimings.keys) == ["simulator", "health"])
        #expect(store.entity(id: namespace.id) != nil, "the rescan put the namespace back")
    }

    @Test func aRescanOfASimulatorThatIsNotRunningFailsClearly() async throws {
        let store = TopologyStore()
        let source = SimulatorSource(configuration: SimulatorConfiguration(seed: 74, changesPerSecond: 0))
        let job = try await Self.rescan(source, store: store, board: SourceStatusBoard())
        #expect(job.state == .failed)
        #expect(job.error?.contains("simulator is not running now") == true)
    }
}
