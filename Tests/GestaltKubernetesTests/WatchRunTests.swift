import FakeKubeAPI
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

/// A watch source records each batch it applies as a run of its plugin, so
/// `GET /api/plugins` shows live timings without jobs (docs/SOURCES.md).
@Suite struct WatchRunTests {
    @Test func eachAppliedWatchBatchIsARunOfTheSource() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        try await waitUntil("the sync is recorded") { (fixture.store.plugins.report("kubernetes")?.runs ?? 0) >= 1 }
        let before = try #require(fixture.store.plugins.report("kubernetes")).runs

        try fixture.cluster.create(.pods, Seed.pod("late", labels: ["app": "web"]))
        try await waitUntil("the watched pod arrives") { fixture.store.entity(id: "k8s:pod/shop/late") != nil }
        try await waitUntil("its batch is a run") { (fixture.store.plugins.report("kubernetes")?.runs ?? 0) > before }
        let report = try #require(fixture.store.plugins.report("kubernetes"))
        #expect(report.metadata.stage == .source)
        let run = try #require(report.lastRun)
        #expect(run.error == nil)
        #expect(run.seconds >= 0)
        await fixture.stop()
    }
}
