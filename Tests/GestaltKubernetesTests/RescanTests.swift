import FakeKubeAPI
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

/// A rescan job against the fake API server: a fresh list of every resource,
/// reconciled into the cache as a reflector's relist is, picks up what a
/// stalled watch missed, and the job puts right what the store lost.
@Suite("Kubernetes rescans", .serialized)
struct RescanTests {
    static func rescan(_ fixture: ClusterFixture) async throws -> Job {
        let jobs = JobRunner(store: fixture.store)
        jobs.attach(sources: [fixture.source], sink: fixture.store, statusBoard: fixture.board)
        let job = try jobs.submit(JobRequest(kind: .rescan))
        try await waitUntil("the rescan ends") { jobs.job(job.id)?.state.isFinished == true }
        return try #require(jobs.job(job.id))
    }

    @Test func aRescanSeesWhatAStalledWatchMissed() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        #expect(fixture.source.pluginMetadata.capabilities == ["collect", "rescan"])
        // The pod watch stays open and silent: without a rescan the source would not hear of these.
        fixture.cluster.stallWatches(.pods)
        try fixture.cluster.create(.pods, Seed.pod("missed-add", labels: ["app": "web"]))
        try fixture.cluster.delete(.pods, namespace: "shop", name: "web-7d9f4-b2")
        let before = fixture.store.revision

        let job = try await Self.rescan(fixture)
        #expect(job.state == .completed)
        #expect(job.pluginStatus["kubernetes"] == .completed)
        try await fixture.waitForConvergence("after the rescan")
        guard case .updates(let updates) = fixture.store.updates(after: before) else {
            Issue.record("update log gone")
            return
        }
        // Only what really changed: nothing else was removed and re-added.
        #expect(Set(updates.compactMap { $0.entity?.id }) == ["k8s:pod/shop/missed-add", "k8s:pod/shop/web-7d9f4-b2"])
        await fixture.stop()
    }

    @Test func aRescanRestoresWhatTheStoreLost() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        fixture.store.apply([.removeEntity(id: "k8s:pod/shop/db-0")])
        #expect(fixture.store.entity(id: "k8s:pod/shop/db-0") == nil)

        let job = try await Self.rescan(fixture)
        #expect(job.state == .completed)
        try await fixture.waitForConvergence("after the rescan")
        await fixture.stop()
    }
}
