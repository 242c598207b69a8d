import GestaltLayout
import GestaltModel
import Testing

@Suite("ForceLayout")
struct ForceLayoutTests {
    @Test("the same input and seed give identical positions")
    func deterministic() {
        let first = TestGraph.positions(TestGraph.settledLayout(seed: 42))
        let second = TestGraph.positions(TestGraph.settledLayout(seed: 42))
        #expect(first.count == TestGraph.make().entities.count)
        #expect(first == second)
        let otherSeed = TestGraph.positions(TestGraph.settledLayout(seed: 43))
        #expect(first != otherSeed)
    }

    @Test("a graph settles and every entity gets a finite, non-zero position")
    func settles() {
        var layout = ForceLayout()
        let graph = TestGraph.make()
        layout.sync(entities: graph.entities, connections: graph.connections)
        let steps = TestGraph.settle(&layout)
        #expect(layout.isSettled)
        #expect(steps < 1000)
        for id in layout.entityIDs {
            let p = try! #require(layout.position(of: id))
            #expect(p.x.isFinite && p.y.isFinite && p.z.isFinite)
        }
        #expect(layout.step() == 0)
    }

    @Test("a new pod lands next to its owner, closer than the average entity")
    func incrementalPlacementNearOwner() throws {
        var layout = TestGraph.settledLayout()
        let owner = TestGraph.entity(.deployment, "app-2", in: "ns-1")
        let pod = TestGraph.entity(.pod, "app-2-new", in: "ns-1")
        layout.upsert(pod)
        layout.upsert(Connection(sourceID: owner.id, targetID: pod.id, kind: .owns))
        layout.step()

        let ownerAt = try #require(layout.position(of: owner.id))
        let podAt = try #require(layout.position(of: pod.id))
        let others = layout.entityIDs.filter { $0 != owner.id && $0 != pod.id }
        let average =
            others.map { TestGraph.distance(layout.position(of: $0)!, ownerAt) }.reduce(0, +) / Double(others.count)
        #expect(TestGraph.distance(podAt, ownerAt) < average / 2)

        TestGraph.settle(&layout)
        let settledAt = try #require(layout.position(of: pod.id))
        #expect(TestGraph.distance(settledAt, try #require(layout.position(of: owner.id))) < average / 2)
    }

    @Test("a new entity without connections lands in its own namespace")
    func incrementalPlacementInNamespace() throws {
        var layout = TestGraph.settledLayout()
        let lonely = TestGraph.entity(.configmap, "settings", in: "ns-2")
        layout.upsert(lonely)
        layout.step()
        let at = try #require(layout.position(of: lonely.id))
        let centroids = Self.namespaceCentroids(layout)
        let own = TestGraph.distance(at, centroids["ns-2"]!)
        for (namespace, centroid) in centroids where namespace != "ns-2" {
            #expect(own < TestGraph.distance(at, centroid))
        }
    }

    @Test("settled entities stay put when an unrelated entity arrives")
    func settledStayPut() throws {
        var layout = TestGraph.settledLayout()
        let before = TestGraph.positions(layout)
        let far = TestGraph.entity(.namespace, "elsewhere", in: nil)
        let farPod = TestGraph.entity(.pod, "stranger", in: "elsewhere")
        layout.upsert(far)
        layout.upsert(farPod)
        TestGraph.settle(&layout)
        for (id, p) in before {
            #expect(layout.position(of: id) == p, "\(id) moved")
        }
        #expect(layout.position(of: farPod.id) != nil)
    }

    @Test("a new pod moves only its neighbourhood, and only a little")
    func localDisturbance() throws {
        var layout = TestGraph.settledLayout()
        let before = TestGraph.positions(layout)
        let owner = TestGraph.entity(.deployment, "app-0", in: "ns-0")
        let pod = TestGraph.entity(.pod, "app-0-new", in: "ns-0")
        layout.upsert(pod)
        layout.upsert(Connection(sourceID: owner.id, targetID: pod.id, kind: .owns))
        TestGraph.settle(&layout)
        for (id, p) in before {
            let moved = TestGraph.distance(layout.position(of: id)!, p)
            if id == owner.id {
                #expect(moved < layout.configuration.linkDistance)
            } else {
                #expect(moved == 0, "\(id) moved by \(moved)")
            }
        }
    }

    @Test("a settled, published graph produces no moves")
    func settledGraphIsSilent() {
        var layout = TestGraph.settledLayout()
        var published = 0
        while case let moves = layout.movesToPublish(limit: 50), !moves.isEmpty { published += moves.count }
        #expect(published == layout.count)
        #expect(layout.step() == 0)
        #expect(layout.movesToPublish(limit: .max).isEmpty)
        #expect(layout.pendingMoveCount == 0)
    }

    @Test("moves are published once they exceed the minimum move, no more than asked for")
    func publishingRespectsLimitAndThreshold() {
        var layout = ForceLayout()
        let graph = TestGraph.make()
        layout.sync(entities: graph.entities, connections: graph.connections)
        layout.step()
        let first = layout.movesToPublish(limit: 7)
        #expect(first.count == 7)
        #expect(Set(first.map(\.id)).count == 7)
        TestGraph.settle(&layout)
        var lastPublished: [String: SIMD3<Double>] = [:]
        for move in first { lastPublished[move.id] = SIMD3(move.x, move.y, move.z) }
        while case let moves = layout.movesToPublish(limit: 10), !moves.isEmpty {
            #expect(moves.count <= 10)
            for move in moves {
                let p = SIMD3(move.x, move.y, move.z)
                if let previous = lastPublished[move.id] {
                    #expect(TestGraph.distance(p, previous) > layout.configuration.minimumMove)
                }
                lastPublished[move.id] = p
            }
        }
        // Whatever was not republished is within the minimum move of what clients saw.
        for (id, seen) in lastPublished {
            #expect(TestGraph.distance(layout.position(of: id)!, seen) <= layout.configuration.minimumMove)
        }
    }

    @Test("namespaces separate: members sit closer to their own namespace than to any other")
    func namespacesSeparate() {
        let layout = TestGraph.settledLayout()
        let centroids = Self.namespaceCentroids(layout)
        #expect(centroids.count == 4)
        for (namespace, members) in Self.members(layout) {
            for member in members {
                let own = TestGraph.distance(member, centroids[namespace]!)
                for (other, centroid) in centroids where other != namespace {
                    #expect(own < TestGraph.distance(member, centroid))
                }
            }
        }
    }

    @Test("removing entities and connections keeps the layout consistent")
    func removal() {
        var layout = TestGraph.settledLayout()
        let victim = TestGraph.entity(.pod, "app-1-1", in: "ns-0")
        let service = TestGraph.entity(.service, "app-1", in: "ns-0")
        layout.remove(connectionID: Connection.id(source: service.id, target: victim.id, kind: .network))
        layout.remove(entityID: victim.id)
        #expect(layout.position(of: victim.id) == nil)
        #expect(layout.count == TestGraph.make().entities.count - 1)
        TestGraph.settle(&layout)
        #expect(layout.isSettled)
        // The freed slot is reused, and resync to the full graph brings it back.
        let graph = TestGraph.make()
        layout.sync(entities: graph.entities, connections: graph.connections)
        TestGraph.settle(&layout)
        #expect(layout.count == graph.entities.count)
        #expect(layout.position(of: victim.id) != nil)
    }

    static func members(_ layout: ForceLayout) -> [String: [SIMD3<Double>]] {
        var result: [String: [SIMD3<Double>]] = [:]
        for id in layout.entityIDs {
            // ids are k8s:<kind>/<namespace>/<name>; namespaced ones have two slashes.
            let parts = id.split(separator: "/")
            guard parts.count == 3 else { continue }
            result[String(parts[1]), default: []].append(layout.position(of: id)!)
        }
        return result
    }

    static func namespaceCentroids(_ layout: ForceLayout) -> [String: SIMD3<Double>] {
        members(layout).mapValues(TestGraph.centroid)
    }
}
