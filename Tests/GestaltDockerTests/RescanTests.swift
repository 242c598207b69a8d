import GestaltDocker
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

/// A rescan job against a real dockerd: the running session re-lists
/// everything, and the job puts right what the store lost behind its back
/// (the session's own diff would not: it still believes it published it).
@Suite(.serialized) struct RescanTests {
    @Test func aRescanReListsAndRestoresAContainerTheStoreLost() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        try engine.run("steady", "sleep", "3600")
        let harness = SourceHarness(engine: engine)
        defer { Task { await harness.stop() } }
        try await waitUntil("steady is listed") { harness.entity("docker:container/steady") != nil }

        harness.store.apply([.removeEntity(id: "docker:container/steady")])
        #expect(harness.entity("docker:container/steady") == nil)

        let jobs = JobRunner(store: harness.store)
        jobs.attach(sources: [harness.source], sink: harness.store, statusBoard: harness.board)
        let job = try jobs.submit(JobRequest(kind: .rescan, sources: ["docker"]))
        try await waitUntil("the rescan ends") { jobs.job(job.id)?.state.isFinished == true }
        let done = try #require(jobs.job(job.id))
        #expect(done.state == .completed)
        #expect(done.pluginStatus["docker"] == .completed)
        #expect(harness.entity("docker:container/steady")?.status == .running, "the re-list put the container back")
        await harness.stop()
    }
}
