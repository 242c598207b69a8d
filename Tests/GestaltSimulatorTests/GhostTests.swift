import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// After a restart the store holds the recorded topology: the simulator's
/// first load removes what it owns there and its fresh cluster lacks.
@Suite struct GhostTests {
    @Test func theFirstLoadRemovesOnlyTheSimulatorsGhosts() {
        let store = TopologyStore()
        let kept = Entity(id: "k8s:pod/shop/web-1", kind: .pod, name: "web-1", source: "simulator")
        let ghost = Entity(id: "k8s:pod/shop/web-old", kind: .pod, name: "web-old", source: "simulator")
        let other = Entity(id: "docker:container/x", kind: .container, name: "x", source: "docker")
        store.apply([.upsertEntity(kept), .upsertEntity(ghost), .upsertEntity(other)])
        let link = Connection(sourceID: ghost.id, targetID: kept.id, kind: .http)
        store.apply([.upsertConnection(link)])
        let removals = SimulatedCluster.removalsOfGhosts(in: store, keeping: [.upsertEntity(kept)])
        #expect(removals == [.removeConnection(id: link.id), .removeEntity(id: ghost.id)])
        #expect(SimulatedCluster.removalsOfGhosts(in: TopologyStore(), keeping: [.upsertEntity(kept)]).isEmpty)
    }
}
