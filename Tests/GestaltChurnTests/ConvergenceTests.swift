import GestaltChurn
import GestaltEngine
import GestaltModel
import GestaltSimulator
import Testing

/// Random rollouts through the smoother: every release must be accepted by
/// the store, and once settled the store must hold what the source says.
@Suite struct ConvergenceTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func theStoreEndsWhereTheSourceIs(seed: UInt64) {
        // The simulator's seeded generator, so a failure replays.
        var rng = SplitMix64(seed: seed)
        var h = Harness { $0.churnThreshold = 20 }
        let direct = TopologyStore()
        let services = ["web", "api", "db"].map {
            service($0, namespace: ["shop", "data"].randomElement(using: &rng)!)
        }
        var alive: [String: Entity] = [:]
        var nextPod = 0
        var ms = 0

        func push(_ changes: [TopologyChange]) {
            h.submit(changes, atMs: ms)
            let result: ApplyResult = direct.apply(changes, now: .now())
            #expect(result.rejected.isEmpty, "the generated source is itself valid")
        }

        push(services.map { .upsertEntity($0) })
        for _ in 0..<600 {
            ms += Int.random(in: 0...150, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<3:
                let owner = services.randomElement(using: &rng)!
                let created = pod(
                    "\(owner.name)-\(nextPod)", namespace: owner.namespace!,
                    status: Bool.random(using: &rng) ? .pending : .running, app: owner.name)
                nextPod += 1
                alive[created.id] = created
                push([.upsertEntity(created), .upsertConnection(network(owner, created))])
            case 3..<6:
                guard var changed = alive.values.randomElement(using: &rng) else { continue }
                changed.status = [.running, .terminating, .failed, .pending].randomElement(using: &rng)!
                alive[changed.id] = changed
                push([.upsertEntity(changed)])
            case 6..<8:
                guard let gone = alive.values.randomElement(using: &rng) else { continue }
                alive[gone.id] = nil
                let owner = services.first { $0.name == gone.labels["app"] }!
                push(
                    Bool.random(using: &rng)
                        ? [.removeConnection(id: network(owner, gone).id), .removeEntity(id: gone.id)]
                        : [.removeEntity(id: gone.id)])
            default:
                guard let target = alive.values.randomElement(using: &rng) else { continue }
                let owner = services.first { $0.name == target.labels["app"] }!
                var busy = network(owner, target)
                busy.requestsPerSec = Double.random(in: 0...500, using: &rng)
                push([.upsertConnection(busy)])
            }
            if Bool.random(using: &rng) { h.due(atMs: ms) }
        }
        h.tick(fromMs: ms, toMs: ms + 70_000, step: 100)

        #expect(h.smoother.isSettled)
        let smoothed = h.store.snapshot()
        let truth = direct.snapshot()
        #expect(Set(smoothed.entities.map(\.id)) == Set(truth.entities.map(\.id)))
        #expect(Set(smoothed.connections.map(\.id)) == Set(truth.connections.map(\.id)))
        let statuses = Dictionary(uniqueKeysWithValues: truth.entities.map { ($0.id, $0.status) })
        for entity in smoothed.entities { #expect(statuses[entity.id] == entity.status, "\(entity.id)") }
        #expect(h.smoother.activeNotices().isEmpty, "calm again after a quiet minute")
    }
}
