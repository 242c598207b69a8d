import GestaltChurn
import GestaltEngine
import GestaltModel
import Testing

@Suite struct DebounceTests {
    @Test func aBurstOfUpdatesOfOnePodBecomesOneChange() {
        var h = Harness()
        for step in 0..<10 {
            h.submit([.upsertEntity(pod("web-1", cpu: Double(step * 10)))], atMs: step * 40)
        }
        #expect(h.due(atMs: 499).isEmpty, "the window opened at 0 and is still open")
        let changes = h.due(atMs: 500)
        #expect(changes.count == 1)
        #expect(changes.first?.upserted?.cpuPercent == 90, "the latest version wins")
        #expect(h.store.entity(id: pod("web-1").id)?.cpuPercent == 90)
    }

    @Test func aZeroWindowReleasesOnTheNextDue() {
        var h = Harness { $0.debounceWindow = .zero }
        h.submit([.upsertEntity(service("api")), .upsertEntity(pod("api-1"))], atMs: 0)
        #expect(h.due(atMs: 0).count == 2)
        h.submit([.upsertEntity(pod("api-1", cpu: 50))], atMs: 10)
        #expect(h.due(atMs: 10).count == 1)
    }

    @Test func mergingKeepsAnEntityBeforeItsConnections() {
        var h = Harness()
        let api = service("api")
        let web = pod("web-1")
        var busier = api
        busier.annotations = ["version": "2"]
        h.submit(
            [.upsertEntity(api), .upsertEntity(web), .upsertConnection(network(api, web)), .upsertEntity(busier)],
            atMs: 0)
        let changes = h.due(atMs: 500)
        #expect(changes.map(\.subject) == [api.id, web.id, network(api, web).id])
        #expect(changes.first?.upserted?.annotations == ["version": "2"])
    }

    @Test func anUpsertAfterARemovalStaysAfterIt() {
        var h = Harness()
        let api = service("api")
        h.submit([.upsertEntity(api)], atMs: 0)
        h.due(atMs: 500)
        var again = api
        again.annotations = ["generation": "2"]
        h.submit([.removeEntity(id: api.id), .upsertEntity(again)], atMs: 600)
        let changes = h.due(atMs: 1100)
        #expect(changes.map(\.isRemoval) == [true, false])
        #expect(h.store.entity(id: api.id)?.annotations == ["generation": "2"])
    }

    @Test func aConnectionAcrossNamespacesWaitsForItsEndsBatch() {
        var h = Harness()
        let ingress = Entity(
            id: "k8s:ingress/edge/front", kind: .ingress, name: "front", namespace: "edge", source: "test")
        let api = service("api")
        h.submit([.upsertEntity(ingress)], atMs: 0)
        h.submit([.upsertEntity(api), .upsertConnection(network(ingress, api))], atMs: 300)
        // The edge batch is due at 500 and takes the shop batch it depends on.
        let changes = h.due(atMs: 500)
        #expect(changes.map(\.subject) == [ingress.id, api.id, network(ingress, api).id])
        #expect(h.store.connectionCount == 1)
    }

    @Test func removalsOfConnectionsComeBeforeTheirEnds() {
        var h = Harness()
        let api = service("api")
        let db = Entity(id: "k8s:database/data/pg", kind: .database, name: "pg", namespace: "data", source: "test")
        h.submit([.upsertEntity(api), .upsertEntity(db), .upsertConnection(network(api, db))], atMs: 0)
        h.due(atMs: 500)
        h.submit([.removeConnection(id: network(api, db).id)], atMs: 600)
        h.submit([.removeEntity(id: db.id)], atMs: 900)
        h.due(atMs: 1100)
        #expect(h.store.entityCount == 1)
        #expect(h.store.connectionCount == 0)
    }
}
