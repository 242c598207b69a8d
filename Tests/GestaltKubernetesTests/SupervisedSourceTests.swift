import FakeKubeAPI
import GestaltChurn
import GestaltEngine
import GestaltKubernetes
import GestaltModel
import TestPeers
import Testing

@Suite("Kubernetes under the source supervisor: WatchList fallback, named clusters, stale, churn", .serialized)
struct SupervisedSourceTests {
    @Test func serverIgnoringSendInitialEventsStillSyncs() async throws {
        // A proxy or kube-like server: no initial-events-end bookmark, the watch just ends.
        let fixture = try await ClusterFixture.start(prepare: { $0.ignoresSendInitialEvents = true })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        #expect(fixture.cluster.requests.contains { $0.path == FaultTests.podsPath && !$0.isWatch })
        try fixture.cluster.create(.pods, Seed.pod("after-fallback", labels: ["app": "web"]))
        try await fixture.waitForConvergence("after a pod was created")
        try await waitUntil("ready") { fixture.status?.state == .ready }
        await fixture.stop()
    }

    @Test func twoNamedClustersShareOneMapWithDistinctIDs() async throws {
        let store = TopologyStore()
        let prod = try await ClusterFixture.start(cluster: "prod", store: store)
        let staging = try await ClusterFixture.start(cluster: "staging", store: store)
        defer {
            Task {
                await prod.stop(); await staging.stop()
            }
        }
        try await waitUntil("both clusters listed") {
            store.entity(id: "k8s@prod:pod/shop/db-0") != nil && store.entity(id: "k8s@staging:pod/shop/db-0") != nil
        }
        let entities = store.snapshot().entities
        #expect(entities.allSatisfy { $0.id.hasPrefix("k8s@prod:") || $0.id.hasPrefix("k8s@staging:") })
        #expect(store.entity(id: "k8s@prod:pod/shop/db-0")?.source == "kubernetes@prod")
        #expect(store.entity(id: "k8s@staging:pod/shop/db-0")?.source == "kubernetes@staging")
        #expect(
            entities.filter { $0.source == "kubernetes@prod" }.count
                == entities.filter { $0.source == "kubernetes@staging" }.count)
        #expect(prod.board.status(of: "kubernetes@prod") != nil)
        await prod.stop()
        await staging.stop()
    }

    @Test func anUnreachableClusterLeavesItsEntitiesStaleThenRecovers() async throws {
        let fixture = try await ClusterFixture.start(tune: { $0.stallTimeout = .seconds(2) })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        let port = try #require(fixture.server.port)
        let count = fixture.store.entityCount

        await fixture.server.stop()
        try await waitUntil("every entity stale") {
            fixture.status?.state == .error && fixture.store.snapshot().entities.allSatisfy(\.stale)
        }
        #expect(fixture.store.entityCount == count, "a source outage deletes nothing")
        #expect(fixture.status?.lastError?.isEmpty == false)

        // Changed while the source could not see it: one pod gone, one new.
        try fixture.cluster.delete(.pods, namespace: "shop", name: "web-7d9f4-b2")
        try fixture.cluster.create(.pods, Seed.pod("while-down", labels: ["app": "web"]))
        try await fixture.server.start(port: port)
        try await fixture.waitForConvergence("after the server came back")
        try await waitUntil("nothing stale") { !fixture.store.snapshot().entities.contains(where: \.stale) }
        #expect(fixture.status?.lastGoodAt != nil)
        await fixture.stop()
    }

    @Test func podChurnFromARealClusterGoesThroughTheSmoother() async throws {
        let store = TopologyStore()
        let pipeline = ChurnPipeline(store: store)
        let ticker = Task { await pipeline.run() }
        defer { ticker.cancel() }
        let fixture = try await ClusterFixture.start(store: store, sink: pipeline)
        defer { Task { await fixture.stop() } }
        try await waitUntil("the shop is listed") { store.entity(id: "k8s:pod/shop/db-0") != nil }
        let before = store.revision

        // 100 pod creations and deletions a second for three seconds: each
        // short-lived pod is created pending and deleted 100 ms later.
        let clock = ContinuousClock()
        var next = clock.now
        for i in 0..<150 {
            try fixture.cluster.create(.pods, Seed.pod("flash-\(i)", labels: ["app": "batch"], phase: "Pending"))
            if i >= 5 { try fixture.cluster.delete(.pods, namespace: "shop", name: "flash-\(i - 5)") }
            next += .milliseconds(20)
            try await Task.sleep(until: next, clock: clock)
        }
        for i in 145..<150 { try fixture.cluster.delete(.pods, namespace: "shop", name: "flash-\(i)") }

        try await fixture.waitForConvergence("after the churn")
        guard case .updates(let updates) = store.updates(after: before) else {
            Issue.record("update log gone")
            return
        }
        // Pending pods that lived 100 ms were hidden by the smoother: none reached the map.
        let flashed = updates.compactMap { $0.entity?.id }.filter { $0.contains("/flash-") }
        #expect(flashed.isEmpty, "\(flashed.count) updates of short-lived pods reached the store")
        #expect(store.events(limit: 200).contains { $0.reason == "HighChurn" })
        await fixture.stop()
    }
}
