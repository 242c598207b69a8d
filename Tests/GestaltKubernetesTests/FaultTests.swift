import FakeKubeAPI
import GestaltEngine
import GestaltKubernetes
import GestaltModel
import TestPeers
import Testing

@Suite("Reflector faults: drops, 410, bookmarks, stalls, malformed lines", .serialized)
struct FaultTests {
    static let podsPath = "/api/v1/pods"

    @Test func droppedWatchResumesFromTheLastResourceVersion() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        let syncs = fixture.fullSyncCount(Self.podsPath)
        fixture.cluster.dropWatches(.pods, abruptly: true)
        try fixture.cluster.create(.pods, Seed.pod("after-drop", labels: ["app": "web"]))
        try fixture.cluster.delete(.pods, namespace: "shop", name: "web-7d9f4-b2")
        try await fixture.waitForConvergence("after the drop")
        // Re-watched, not relisted: the history still covered the gap.
        #expect(fixture.fullSyncCount(Self.podsPath) == syncs)
        #expect(
            fixture.cluster.requests.contains {
                $0.path == Self.podsPath && $0.isWatch && !$0.query.contains("sendInitialEvents")
            })
        await fixture.stop()
    }

    @Test(arguments: [GoneStyle.errorEvent, .httpStatus])
    func goneRelistsAndEmitsOnlyRealDifferences(style: GoneStyle) async throws {
        let fixture = try await ClusterFixture.start(prepare: { $0.goneStyle = style })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        // Freeze the pod watch so the source misses what happens next, then compact that history away.
        fixture.cluster.stallWatches(.pods)
        try fixture.cluster.create(.pods, Seed.pod("missed-add", labels: ["app": "web"]))
        try fixture.cluster.delete(.pods, namespace: "shop", name: "web-7d9f4-b2")
        try fixture.cluster.modify(.pods, namespace: "shop", name: "db-0") { pod in
            pod["status"] = [
                "phase": "Running",
                "containerStatuses": [
                    ["name": "main", "ready": false, "state": ["waiting": ["reason": "CrashLoopBackOff"]]]
                ],
            ]
        }
        let before = fixture.store.revision
        let syncs = fixture.fullSyncCount(Self.podsPath)
        fixture.cluster.compact()
        fixture.cluster.dropWatches(.pods, abruptly: false)
        try await fixture.waitForConvergence("after the relist")
        try await waitUntil("db-0 is failed") { fixture.store.entity(id: "k8s:pod/shop/db-0")?.status == .failed }
        #expect(fixture.fullSyncCount(Self.podsPath) == syncs + 1)
        guard case .updates(let updates) = fixture.store.updates(after: before) else {
            Issue.record("update log gone")
            return
        }
        let touched = Set(updates.compactMap { $0.entity?.id })
        // Only the three pods that really changed; nothing else was removed and re-added.
        #expect(touched == ["k8s:pod/shop/missed-add", "k8s:pod/shop/web-7d9f4-b2", "k8s:pod/shop/db-0"])
        #expect(!updates.contains { $0.kind == .remove && $0.entity?.id != "k8s:pod/shop/web-7d9f4-b2" })
        await fixture.stop()
    }

    @Test func watchErrorEventWithGoneRelists() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        let syncs = fixture.fullSyncCount(Self.podsPath)
        let before = fixture.store.revision
        fixture.cluster.expireWatches(.pods)
        try await waitUntil("pods relisted") { fixture.fullSyncCount(Self.podsPath) == syncs + 1 }
        try await fixture.waitForConvergence()
        // Nothing changed in the cluster, so nothing changed on the map.
        #expect(fixture.store.revision == before)
        await fixture.stop()
    }

    @Test func bookmarksAdvanceTheResourceVersion() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        // Churn elsewhere moves the global resourceVersion past what the pod watch has seen.
        for index in 0..<5 { try fixture.cluster.create(.configMaps, Seed.configMap("churn-\(index)")) }
        let bookmarked = fixture.cluster.resourceVersion
        fixture.cluster.sendBookmarks()
        fixture.cluster.dropWatches(.pods, abruptly: false)
        try await waitUntil("the pod watch resumes from the bookmark") {
            fixture.cluster.requests.contains {
                $0.path == Self.podsPath && $0.isWatch && $0.query.contains("resourceVersion=\(bookmarked)")
            }
        }
        // So compacting all history before the bookmark costs no relist.
        let syncs = fixture.fullSyncCount(Self.podsPath)
        fixture.cluster.compact()
        try fixture.cluster.create(.pods, Seed.pod("after-bookmark"))
        try await fixture.waitForConvergence()
        #expect(fixture.fullSyncCount(Self.podsPath) == syncs)
        await fixture.stop()
    }

    @Test func malformedLineRewatchesAndConverges() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        fixture.cluster.sendMalformedLine(.pods)
        try fixture.cluster.create(.pods, Seed.pod("after-garbage", labels: ["app": "db"]))
        try await fixture.waitForConvergence("after a malformed line")
        #expect(fixture.store.entity(id: "k8s:pod/shop/after-garbage") != nil)
        await fixture.stop()
    }

    @Test func stalledWatchIsAbandonedAndReestablished() async throws {
        let fixture = try await ClusterFixture.start(tune: { $0.stallTimeout = .seconds(1) })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        fixture.cluster.stallWatches(.pods)
        try fixture.cluster.create(.pods, Seed.pod("during-stall"))
        try await fixture.waitForConvergence("after the stall")
        await fixture.stop()
    }

    @Test func listWithPagingWhenWatchListIsOff() async throws {
        let fixture = try await ClusterFixture.start(
            prepare: { $0.watchListEnabled = false }, tune: { $0.pageSize = 2 })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        let pages = fixture.cluster.requests.filter { $0.path == Self.podsPath && !$0.isWatch && $0.status == 200 }
        #expect(pages.count >= 2)
        #expect(pages.contains { $0.query.contains("continue=") })
        try fixture.cluster.create(.pods, Seed.pod("listed-later"))
        try await fixture.waitForConvergence("after a change")
        await fixture.stop()
    }

    @Test func finalTopologyEqualsClusterStateAfterMixedChurnAndFaults() async throws {
        let fixture = try await ClusterFixture.start(tune: { $0.stallTimeout = .seconds(1) })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        for round in 0..<4 {
            try fixture.cluster.create(
                .pods,
                Seed.pod("churn-\(round)", labels: ["app": round.isMultiple(of: 2) ? "web" : "db"], claim: "data-db-0"))
            try fixture.cluster.create(.services, Seed.service("svc-\(round)", selector: ["app": "web"]))
            switch round {
            case 0: fixture.cluster.dropWatches(abruptly: true)
            case 1: fixture.cluster.sendMalformedLine()
            case 2: fixture.cluster.compact(); fixture.cluster.dropWatches(abruptly: false)
            default: fixture.cluster.expireWatches()
            }
            try fixture.cluster.delete(.services, namespace: "shop", name: "svc-\(round)")
            try fixture.cluster.modify(.pods, namespace: "shop", name: "churn-\(round)") { pod in
                var meta = pod["metadata"] as! [String: Any]
                meta["labels"] = ["app": "db", "round": "\(round)"]
                pod["metadata"] = meta
            }
        }
        try fixture.cluster.delete(.pods, namespace: "shop", name: "churn-0")
        try await fixture.waitForConvergence("after churn")
        let expected = Expected(cluster: fixture.cluster)
        #expect(fixture.entityIDs == expected.entityIDs)
        #expect(fixture.connectionIDs == expected.connectionIDs)
        await fixture.stop()
    }
}
