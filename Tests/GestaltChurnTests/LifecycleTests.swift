import GestaltChurn
import GestaltEngine
import GestaltModel
import Testing

@Suite struct PendingTests {
    @Test func aPodPendingUnderASecondIsNeverShownPending() {
        var h = Harness()
        let id = pod("web-1").id
        h.submit([.upsertEntity(pod("web-1", status: .pending))], atMs: 0)
        h.tick(fromMs: 0, toMs: 550)
        h.submit([.upsertEntity(pod("web-1", status: .running))], atMs: 600)
        h.tick(fromMs: 600, toMs: 3000)
        let shown = h.released.filter { $0.subject == id }
        #expect(shown.map { $0.upserted?.status } == [.running])
        #expect(h.store.entity(id: id)?.status == .running)
    }

    @Test func aPodGoneWithinASecondIsNeverShownNorItsConnections() {
        var h = Harness()
        let api = service("api")
        let web = pod("web-1", status: .pending)
        h.submit([.upsertEntity(api)], atMs: 0)
        h.submit([.upsertEntity(web)], atMs: 100)
        h.submit([.upsertConnection(network(api, web))], atMs: 200)
        h.submit([.removeEntity(id: web.id)], atMs: 800)
        h.tick(fromMs: 0, toMs: 4000)
        #expect(h.released.map(\.subject) == [api.id])
        #expect(h.smoother.isSettled)
    }

    @Test func aPodPendingForASecondIsShownThenItsConnections() {
        var h = Harness()
        let api = service("api")
        let web = pod("web-1", status: .pending)
        h.submit([.upsertEntity(api)], atMs: 0)
        h.submit([.upsertEntity(web), .upsertConnection(network(api, web))], atMs: 100)
        h.tick(fromMs: 0, toMs: 1050)
        #expect(h.store.entity(id: web.id) == nil, "pending for 950 ms: still hidden")
        h.tick(fromMs: 1100, toMs: 1600)
        #expect(h.store.entity(id: web.id)?.status == .pending)
        #expect(h.store.connection(id: network(api, web).id) != nil)
        #expect(h.released.map(\.subject) == [api.id, web.id, network(api, web).id])
    }

    @Test func aConnectionBetweenTwoHiddenPodsWaitsForBoth() {
        var h = Harness()
        let a = pod("a", status: .pending)
        let b = pod("b", status: .pending)
        h.submit([.upsertEntity(a)], atMs: 0)
        h.submit([.upsertEntity(b), .upsertConnection(network(a, b))], atMs: 700)
        h.tick(fromMs: 0, toMs: 1500)
        #expect(h.store.entity(id: a.id) != nil, "a shown at 1 s, through its batch at 1.5 s")
        #expect(h.store.entity(id: b.id) == nil && h.store.connectionCount == 0)
        h.tick(fromMs: 1550, toMs: 2500)
        #expect(h.store.connectionCount == 1)
    }

    @Test func zeroPendingHideShowsPendingPodsAtOnce() {
        var h = Harness {
            $0.pendingHide = .zero; $0.debounceWindow = .zero
        }
        h.submit([.upsertEntity(pod("web-1", status: .pending))], atMs: 0)
        #expect(h.due(atMs: 0).first?.upserted?.status == .pending)
    }
}

@Suite struct TerminatingTests {
    /// A running pod already in the store at 0.5 s.
    func runningPod() -> (Harness, Entity) {
        var h = Harness()
        let web = pod("web-1")
        h.submit([.upsertEntity(web)], atMs: 0)
        h.due(atMs: 500)
        return (h, web)
    }

    @Test func aTerminatingPodStaysForTwoSeconds() {
        var (h, web) = runningPod()
        h.submit([.upsertEntity(pod("web-1", status: .terminating))], atMs: 1000)
        h.tick(fromMs: 1000, toMs: 1500)
        #expect(h.store.entity(id: web.id)?.status == .terminating, "shown at 1.5 s")
        h.submit([.removeEntity(id: web.id)], atMs: 1700)
        h.tick(fromMs: 1700, toMs: 3450)
        #expect(h.store.entity(id: web.id) != nil, "the hold runs until 3.5 s")
        h.tick(fromMs: 3500, toMs: 4000)
        #expect(h.store.entity(id: web.id) == nil)
        #expect(h.smoother.isSettled)
    }

    @Test func aRemovalAfterTheHoldGoesAtOnce() {
        var (h, web) = runningPod()
        h.submit([.upsertEntity(pod("web-1", status: .terminating))], atMs: 1000)
        h.tick(fromMs: 1000, toMs: 4000)
        h.submit([.removeEntity(id: web.id)], atMs: 4000)
        h.tick(fromMs: 4000, toMs: 4500)
        #expect(h.store.entity(id: web.id) == nil)
    }

    @Test func aRemovalWithoutTerminatingIsShownTerminatingFirst() {
        var (h, web) = runningPod()
        let api = service("api")
        h.submit([.upsertEntity(api), .upsertConnection(network(api, web))], atMs: 600)
        h.submit([.removeEntity(id: web.id)], atMs: 1000)
        h.tick(fromMs: 600, toMs: 1500)
        #expect(h.store.entity(id: web.id)?.status == .terminating)
        h.tick(fromMs: 1550, toMs: 3450)
        #expect(h.store.entity(id: web.id) != nil)
        h.tick(fromMs: 3500, toMs: 4000)
        #expect(h.store.entity(id: web.id) == nil)
        #expect(h.store.connectionCount == 0)
        let phases = h.released.filter { $0.subject == web.id }.map { $0.upserted?.status }
        #expect(phases == [.running, .terminating, nil])
    }

    @Test func aPodRecreatedWhileItsRemovalWaitsStays() {
        var (h, web) = runningPod()
        h.submit([.removeEntity(id: web.id)], atMs: 1000)
        h.submit([.upsertEntity(pod("web-1", status: .running))], atMs: 1200)
        h.tick(fromMs: 1000, toMs: 5000)
        #expect(h.store.entity(id: web.id)?.status == .running)
        #expect(h.smoother.isSettled)
    }

    @Test func zeroHoldRemovesAtOnce() {
        var h = Harness {
            $0.terminatingHold = .zero; $0.debounceWindow = .zero
        }
        h.submit([.upsertEntity(pod("web-1"))], atMs: 0)
        h.due(atMs: 0)
        h.submit([.removeEntity(id: pod("web-1").id)], atMs: 10)
        #expect(h.due(atMs: 10).map(\.isRemoval) == [true])
    }
}
