import GestaltChurn
import GestaltEngine
import GestaltModel
import Testing

@Suite struct ChurnDetectionTests {
    /// 37 pod turnovers in shop within 4 s (20 web pods created and
    /// started, 5 of them removed, 12 api pods created), one failed and one
    /// terminating.
    func churningShop() -> Harness {
        var h = Harness()
        for i in 0..<20 {
            h.submit([.upsertEntity(pod("web-\(i)", status: .pending)), .upsertEntity(pod("web-\(i)"))], atMs: i * 100)
        }
        for i in 0..<5 { h.submit([.removeEntity(id: pod("web-\(i)").id)], atMs: 2000 + i * 100) }
        for i in 0..<12 {
            h.submit([.upsertEntity(pod("api-\(i)", status: .pending, app: "api"))], atMs: 2500 + i * 100)
        }
        h.submit(
            [.upsertEntity(pod("web-10", status: .failed)), .upsertEntity(pod("web-11", status: .terminating))],
            atMs: 3700)
        h.submit([.upsertEntity(pod("db-0", namespace: "quiet", app: "db"))], atMs: 3700)
        return h
    }

    @Test func overTheThresholdGivesAWarningAndASummary() throws {
        var h = churningShop()
        h.due(atMs: 4000)
        try #require(h.notices.count == 2)
        guard case .highChurnWarning(let warning) = h.notices[0], case .namespaceSummary(let summary) = h.notices[1]
        else {
            Issue.record("expected a warning then a summary, got \(h.notices)")
            return
        }
        #expect(warning.namespace == "shop")
        #expect(warning.affectedServices == ["api", "web"])
        #expect(warning.podsPerMinute == 37)
        #expect(warning.namespaceID == "k8s:namespace/shop")
        #expect(
            summary
                == NamespaceSummary(
                    namespace: "shop", namespaceID: "k8s:namespace/shop", total: 27, ready: 13, pending: 12,
                    terminating: 1, failed: 1, churning: true, podsPerMinute: 37
                ))
        #expect(h.smoother.activeNotices() == h.notices)
    }

    @Test func theSummaryRepeatsWhileHotAndCalmingIsAnnouncedOnce() {
        var h = churningShop()
        h.due(atMs: 4000)
        h.tick(fromMs: 4100, toMs: 10_000, step: 100)
        let summaries = h.notices.filter { if case .namespaceSummary = $0 { true } else { false } }
        #expect(summaries.count == 4, "at 4, 6, 8 and 10 s")
        h.notices.removeAll()
        h.tick(fromMs: 10_100, toMs: 70_000, step: 100)
        let calmed = h.notices.compactMap { if case .churnCalmed(let s) = $0 { s } else { nil } }
        #expect(calmed.count == 1)
        #expect(calmed.first?.churning == false)
        #expect(calmed.first?.podsPerMinute ?? 99 < 15, "below threshold × hysteresis")
        #expect(h.smoother.activeNotices().isEmpty)
    }

    @Test func loadingRunningPodsIsNotChurn() {
        var h = Harness()
        h.submit((0..<500).map { .upsertEntity(pod("web-\($0)")) }, atMs: 0)
        h.tick(fromMs: 0, toMs: 5000)
        #expect(h.store.entityCount == 500)
        #expect(h.notices.isEmpty)
    }

    @Test func aQuietNamespaceGetsNoNotice() {
        var h = Harness()
        for i in 0..<10 { h.submit([.upsertEntity(pod("web-\(i)", status: .pending))], atMs: i * 100) }
        h.tick(fromMs: 0, toMs: 5000)
        #expect(h.notices.isEmpty)
    }

    @Test func payloadsAreTheWireJSON() {
        let warning = HighChurnWarning(
            namespace: "shop", namespaceID: "k8s:namespace/shop", affectedServices: ["api", "web"], podsPerMinute: 37.5
        )
        #expect(ChurnNotice.highChurnWarning(warning).messageType == "high_churn_warning")
        #expect(
            ChurnNotice.highChurnWarning(warning).jsonString()
                == #"{"namespace":"shop","affected_services":["api","web"],"churn_rate_pods_per_minute":37.5}"#)
        let summary = NamespaceSummary(
            namespace: "shop", namespaceID: "k8s:namespace/shop", total: 27, ready: 13, pending: 12,
            terminating: 1, failed: 1, churning: false, podsPerMinute: 12
        )
        #expect(ChurnNotice.churnCalmed(summary).messageType == "namespace_summary")
        #expect(
            ChurnNotice.namespaceSummary(summary).jsonString()
                == #"{"namespace":"shop","total":27,"ready":13,"pending":12,"terminating":1,"failed":1,"churning":false,"churn_rate_pods_per_minute":12}"#
        )
    }
}
