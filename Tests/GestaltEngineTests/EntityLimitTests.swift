import GestaltEngine
import GestaltModel
import Testing

@Suite struct EntityLimitTests {
    func pod(_ i: Int) -> Entity {
        Entity(id: "k8s:pod/shop/p-\(i)", kind: .pod, name: "p-\(i)", namespace: "shop", source: "test")
    }

    @Test func overTheLimitKeepsEverythingAndSaysSoOncePerCrossing() {
        var configuration = StoreConfiguration()
        configuration.maxEntities = 3
        let store = TopologyStore(configuration: configuration)
        let watch = EntityLimitWatch(store: store, limit: 3)
        store.apply((0..<3).map { .upsertEntity(pod($0)) })
        var over = watch.check(wasOver: false)
        #expect(!over && store.events().isEmpty)

        store.apply((3..<5).map { .upsertEntity(pod($0)) })
        over = watch.check(wasOver: over)
        over = watch.check(wasOver: over)
        #expect(over && store.entityCount == 5, "nothing is dropped")
        #expect(store.events().map(\.reason) == ["EntityLimitExceeded"])
        #expect(store.events().first?.severity == .warning)
        let report = store.health()
        #expect(report.maxEntities == 3 && report.isOverMaxEntities)
        #expect(String(decoding: report.jsonBytes(), as: UTF8.self).contains("\"over_max_entities\":true"))

        store.apply([.removeEntity(id: pod(4).id), .removeEntity(id: pod(3).id)])
        over = watch.check(wasOver: over)
        #expect(!over && store.events().map(\.reason) == ["EntityLimitRestored", "EntityLimitExceeded"])
    }

    @Test func withoutALimitTheHealthReportHasNoLimitFields() {
        let store = TopologyStore()
        #expect(!String(decoding: store.health().jsonBytes(), as: UTF8.self).contains("max_entities"))
    }
}
