import GestaltEngine
import GestaltModel
import Testing

@Suite struct SnapshotDiffTests {
    @Test func yieldsOnlyTheChanges() {
        let web = service("web")
        let a = pod("a"), b = pod("b"), c = pod("c")
        let ab = Connection(sourceID: web.id, targetID: a.id, kind: .network)
        let wc = Connection(sourceID: web.id, targetID: c.id, kind: .network)
        var diff = SnapshotDiff()
        let first = diff.changes(to: SourceSnapshot(entities: [web, a, b], connections: [ab]))
        #expect(first.count == 4)
        let changedB = pod("b", cpu: 90)
        let second = diff.changes(to: SourceSnapshot(entities: [web, changedB, c], connections: [wc]))
        #expect(
            Set(second) == [
                .removeConnection(id: ab.id), .removeEntity(id: a.id), .upsertEntity(changedB), .upsertEntity(c),
                .upsertConnection(wc),
            ])
        // Removals come first, connections after the entities they need.
        let store = TopologyStore()
        store.apply(first)
        let result = store.apply(second)
        #expect(result.rejected.isEmpty)
        #expect(Set(store.snapshot().entities.map(\.id)) == [web.id, b.id, c.id])
    }

    @Test func identicalSnapshotsYieldNothing() {
        let snapshot = SourceSnapshot(entities: (0..<100).map { pod("p\($0)") })
        #expect(SnapshotDiff.changes(from: snapshot, to: snapshot).isEmpty)
    }
}
