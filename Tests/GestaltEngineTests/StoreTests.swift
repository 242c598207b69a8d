import GestaltEngine
import GestaltModel
import Testing

func pod(
    _ name: String, namespace: String = "shop", cpu: Double = 10, memory: Int64 = 100 << 20,
    status: EntityStatus = .running, labels: [String: String] = ["app": "web"]
) -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: .pod, namespace: namespace, name: name), kind: .pod, name: name,
        namespace: namespace,
        source: "test", status: status, labels: labels, cpuPercent: cpu, memoryBytes: memory, memoryLimit: 1 << 30
    )
}

func service(_ name: String, namespace: String = "shop") -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: .service, namespace: namespace, name: name), kind: .service, name: name,
        namespace: namespace, source: "test")
}

@Suite struct StoreRevisionTests {
    @Test func eachAppliedChangeGetsTheNextRevision() throws {
        let store = TopologyStore()
        let result = store.apply([.upsertEntity(pod("a")), .upsertEntity(service("web")), .upsertEntity(pod("b"))])
        #expect(result.updates.map(\.revision) == [1, 2, 3])
        #expect(result.updates.map(\.kind) == [.add, .add, .add])
        let connection = Connection(sourceID: service("web").id, targetID: pod("a").id, kind: .network)
        let more = try store.apply(.upsertConnection(connection))
        #expect(more.map(\.revision) == [4])
        #expect(store.revision == 4)
    }

    @Test func unchangedUpsertIsNotAChange() {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a"))])
        let again = store.apply([.upsertEntity(pod("a"))])
        #expect(again.updates.isEmpty)
        #expect(store.revision == 1)
    }

    @Test func healthIsScoredAndSummaryKeptCurrent() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a")), .upsertEntity(pod("b", status: .failed))])
        let a = try #require(store.entity(id: pod("a").id))
        #expect(a.health == HealthPolicy.default.score(pod("a")))
        // The plan averages status with resource scores: a failed pod with modest use lands in warning.
        #expect(store.summary == TopologySummary(totalEntities: 2, healthyCount: 1, warningCount: 1, criticalCount: 0))
        store.apply([.upsertEntity(pod("b", status: .running))])
        #expect(store.summary.healthyCount == 2)
        let report = store.health()
        #expect(report.byKind[.pod]?.count == 2)
        store.apply([.removeEntity(id: pod("a").id)])
        #expect(store.summary.totalEntities == 1)
        #expect(store.health().byKind[.pod]?.count == 1)
    }

    @Test func givenHealthStands() throws {
        let store = TopologyStore()
        var entity = service("web")
        entity.health = 0.3
        try store.apply(.upsertEntity(entity, health: .given))
        #expect(store.entity(id: entity.id)?.health == 0.3)
    }
}

@Suite struct StoreThresholdTests {
    func stored(_ changes: Entity...) -> TopologyStore {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a"))])
        store.apply(changes.map { .upsertEntity($0) })
        return store
    }

    @Test func belowEveryThresholdIsIgnored() {
        let store = stored(pod("a", cpu: 14.9, memory: (100 << 20) + 1_000_000))
        #expect(store.revision == 1)
        #expect(store.entity(id: pod("a").id)?.cpuPercent == 10)
    }

    @Test func cpuOverThresholdApplies() {
        let store = stored(pod("a", cpu: 15.5))
        #expect(store.revision == 2)
        #expect(store.entity(id: pod("a").id)?.cpuPercent == 15.5)
    }

    @Test func memoryOverThresholdApplies() {
        #expect(stored(pod("a", memory: (101 << 20) + 1)).revision == 2)
    }

    @Test func statusChangeApplies() {
        #expect(stored(pod("a", status: .pending)).revision == 2)
    }

    @Test func otherFieldChangeApplies() {
        #expect(stored(pod("a", labels: ["app": "web", "v": "2"])).revision == 2)
    }

    @Test func driftIsMeasuredFromTheLastPublishedState() {
        // Small steps are dropped, but they add up against the stored value.
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a", cpu: 10))])
        for cpu in stride(from: 11.0, through: 15.0, by: 1) { store.apply([.upsertEntity(pod("a", cpu: cpu))]) }
        #expect(store.revision == 1)
        store.apply([.upsertEntity(pod("a", cpu: 16))])
        #expect(store.revision == 2)
    }

    @Test func thresholdsDirectly() {
        let t = ChangeThresholds.default
        var new = pod("a")
        new.health = pod("a").health + 0.04
        #expect(!t.isMeaningful(from: pod("a"), to: new))
        new.health = pod("a").health + 0.06
        #expect(t.isMeaningful(from: pod("a"), to: new))
    }

    @Test func sourcesDoNotMoveEntities() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a"))])
        try store.apply(.moveEntity(id: pod("a").id, x: 1, y: 2, z: 3))
        store.apply([.upsertEntity(pod("a", cpu: 50))])
        let stored = try #require(store.entity(id: pod("a").id))
        #expect((stored.x, stored.y, stored.z) == (1, 2, 3))
        #expect(stored.cpuPercent == 50)
    }
}

@Suite struct StoreConnectionTests {
    let web = service("web")
    let a = pod("a")
    var edge: Connection { Connection(sourceID: web.id, targetID: a.id, kind: .network) }

    @Test func danglingConnectionIsRejectedAndChangesNothing() {
        let store = TopologyStore()
        store.apply([.upsertEntity(web)])
        #expect(throws: StoreError.danglingConnection(id: edge.id, missingEnd: a.id)) {
            try store.apply(.upsertConnection(edge))
        }
        #expect(store.revision == 1)
        let batch = store.apply([.upsertConnection(edge)])
        #expect(batch.rejected.count == 1 && batch.updates.isEmpty)
    }

    @Test func removingAnEntityRemovesItsConnectionsFirst() throws {
        let store = TopologyStore()
        let b = pod("b")
        store.apply([
            .upsertEntity(web), .upsertEntity(a), .upsertEntity(b),
            .upsertConnection(edge), .upsertConnection(Connection(sourceID: a.id, targetID: b.id, kind: .http)),
        ])
        let updates = try store.apply(.removeEntity(id: a.id))
        #expect(updates.map(\.kind) == [.connRemove, .connRemove, .remove])
        #expect(updates.map(\.revision) == [6, 7, 8])
        #expect(updates.last?.entity?.id == a.id)
        #expect(store.connectionCount == 0)
        #expect(store.connections(of: web.id).isEmpty)
    }

    @Test func removalOfUnknownIdsIsAnError() {
        let store = TopologyStore()
        #expect(throws: StoreError.entityNotFound(id: "nope")) { try store.apply(.removeEntity(id: "nope")) }
        #expect(throws: StoreError.connectionNotFound(id: "nope")) { try store.apply(.removeConnection(id: "nope")) }
        #expect(store.revision == 0)
    }

    @Test func createRefusesDuplicates() throws {
        let store = TopologyStore()
        try store.create(web)
        #expect(throws: StoreError.entityExists(id: web.id)) { try store.create(web) }
        #expect(store.revision == 1)
    }

    @Test func filteredSnapshotKeepsConnectionsWithBothEnds() throws {
        let store = TopologyStore()
        store.apply([
            .upsertEntity(web), .upsertEntity(a), .upsertEntity(pod("x", namespace: "other")), .upsertConnection(edge),
        ])
        let snapshot = store.snapshot(filter: try TopologyFilter.parse(kinds: "pod", namespaces: nil, labels: []))
        #expect(Set(snapshot.entities.map(\.id)) == [a.id, pod("x", namespace: "other").id])
        #expect(snapshot.connections.isEmpty)
        #expect(snapshot.summary.totalEntities == 2)
        #expect(store.snapshot().connections.count == 1)
    }
}
