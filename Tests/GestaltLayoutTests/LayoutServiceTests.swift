import GestaltEngine
import GestaltLayout
import GestaltModel
import TestPeers
import Testing

@Suite("LayoutService")
struct LayoutServiceTests {
    @Test("lays out a live store through moveEntity updates, including later arrivals")
    func laysOutStore() async throws {
        let store = TopologyStore()
        let graph = TestGraph.make(namespaces: 2, deployments: 3, pods: 3)
        store.apply(graph.entities.map { .upsertEntity($0) } + graph.connections.map { .upsertConnection($0) })
        let startRevision = store.revision

        var configuration = LayoutConfiguration(seed: 3)
        configuration.tickInterval = .milliseconds(5)
        configuration.maxMovesPerSecond = 100_000
        let service = LayoutService(store: store, configuration: configuration)
        let task = Task { try await service.run() }
        defer { task.cancel() }

        try await waitUntil("every entity placed") {
            graph.entities.allSatisfy { Self.isPlaced(store.entity(id: $0.id)) }
        }

        // Positions arrive as ordinary updates in the log.
        guard case .updates(let updates) = store.updates(after: startRevision) else {
            Issue.record("log gone")
            return
        }
        let moved = updates.filter { $0.kind == .update }
        #expect(!moved.isEmpty)
        #expect(
            moved.allSatisfy { update in
                guard let entity = update.entity, let previous = update.previous else { return false }
                return entity.namespace == previous.namespace && entity.name == previous.name
            })

        // An entity added later is placed next to its owner.
        let owner = TestGraph.entity(.deployment, "app-1", in: "ns-1")
        let pod = TestGraph.entity(.pod, "app-1-late", in: "ns-1")
        store.apply([
            .upsertEntity(pod), .upsertConnection(Connection(sourceID: owner.id, targetID: pod.id, kind: .owns)),
        ])
        try await waitUntil("the late pod placed") { Self.isPlaced(store.entity(id: pod.id)) }

        // Removal goes through the log without upsetting the loop.
        try store.apply(.removeEntity(id: pod.id))
        let other = TestGraph.entity(.pod, "app-0-late", in: "ns-0")
        store.apply([.upsertEntity(other)])
        try await waitUntil("the other late pod placed") { Self.isPlaced(store.entity(id: other.id)) }

        task.cancel()
        _ = await task.result
    }

    static func isPlaced(_ entity: Entity?) -> Bool {
        guard let entity else { return false }
        return entity.x != 0 || entity.y != 0 || entity.z != 0
    }
}
