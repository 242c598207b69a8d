import Foundation
package import GestaltModel

/// An incremental 3D force-directed layout of the topology.
///
/// Entities repel each other (inverse square, through a Barnes-Hut octree),
/// connections are springs, and every entity is pulled towards its namespace
/// anchor on the namespace rings. Each entity carries its own heat: a new
/// entity starts hot next to its neighbours, the neighbourhood of a change is
/// warmed a little, and everything else stays settled, costs nothing and does
/// not move. A step does nothing once the whole graph is settled.
///
/// It is a pure value: no clocks, no threads, no unseeded randomness. The same
/// configuration and the same sequence of calls give the same positions.
///
/// ```swift
/// var layout = ForceLayout(configuration: LayoutConfiguration(seed: 7))
/// layout.sync(entities: topology.entities, connections: topology.connections)
/// while !layout.isSettled { layout.step() }
/// let moves = layout.movesToPublish(limit: 300)
/// ```
package struct ForceLayout: Sendable {
    package let configuration: LayoutConfiguration

    // Entity slots. A removed entity's slot is reused, so indices stay dense.
    var ids: [String] = []
    var alive: [Bool] = []
    var positions: [SIMD3<Double>] = []
    var velocities: [SIMD3<Double>] = []
    /// Per-entity temperature in 0...1; zero means settled.
    var heat: [Double] = []
    var group: [Int32] = []
    /// Namespace entities sit exactly on their anchor.
    var pinned: [Bool] = []
    var placed: [Bool] = []
    /// Edge slots touching each entity.
    var incident: [[Int32]] = []
    /// The position clients last saw (the store's), for the `minimumMove` rule.
    var published: [SIMD3<Double>] = []
    /// Whether the slot waits in `freshQueue` or `movedQueue`.
    var queued: [Bool] = []
    var slotOf: [String: Int32] = [:]
    var freeSlots: [Int32] = []

    // Edge slots.
    var edgeIDs: [String] = []
    var edgeEnds: [(Int32, Int32)] = []
    var edgeAlive: [Bool] = []
    var edgeSlotOf: [String: Int32] = [:]
    var freeEdges: [Int32] = []

    /// Entities waiting for their first position, in arrival order.
    var pending: [Int32] = []
    var rings: NamespaceRings
    var octree = Octree()
    /// Entities never published since placement go out before entities that
    /// merely moved, so clients get a sensible position for everything first.
    var freshQueue = SlotQueue()
    var movedQueue = SlotQueue()

    /// Entities in the layout.
    package internal(set) var count = 0
    /// Entities still moving.
    package internal(set) var activeCount = 0

    package init(configuration: LayoutConfiguration = LayoutConfiguration()) {
        self.configuration = configuration
        self.rings = NamespaceRings(spacing: configuration.minimumNamespaceSpacing)
    }

    /// True when no entity moves and none waits for placement: `step()` is free.
    package var isSettled: Bool { activeCount == 0 && pending.isEmpty }

    /// Entities queued for publishing (some may turn out not to have moved enough).
    package var pendingMoveCount: Int { freshQueue.count + movedQueue.count }

    /// The entity's position, or nil when it is unknown or not placed yet.
    package func position(of id: String) -> SIMD3<Double>? {
        guard let slot = slotOf[id], placed[Int(slot)] else { return nil }
        return positions[Int(slot)]
    }

    /// The ids of all entities, in slot order.
    package var entityIDs: [String] { ids.indices.filter { alive[$0] }.map { ids[$0] } }

    // MARK: Changes

    /// Makes the layout hold exactly these entities and connections, keeping
    /// the positions of those it knows already. Used at start and whenever the
    /// store's log no longer reaches back to what the layout has seen.
    package mutating func sync(entities: [Entity], connections: [Connection]) {
        let keptEntities = Set(entities.lazy.map(\.id))
        for i in ids.indices where alive[i] && !keptEntities.contains(ids[i]) {
            remove(entityID: ids[i])
        }
        let keptConnections = Set(connections.lazy.map(\.id))
        for e in edgeIDs.indices where edgeAlive[e] && !keptConnections.contains(edgeIDs[e]) {
            removeEdge(Int32(e))
        }
        for entity in entities {
            if let slot = slotOf[entity.id] {
                // The store's position is what clients see now; publish again
                // if the layout has since moved on.
                let i = Int(slot)
                published[i] = SIMD3(entity.x, entity.y, entity.z)
                if placed[i], Self.distance(positions[i], published[i]) > configuration.minimumMove { enqueue(slot) }
            }
            upsert(entity)
        }
        for connection in connections { upsert(connection) }
    }

    /// Adds an entity, or takes note of a namespace or kind change.
    ///
    /// A new entity is placed at the next `step()`, next to its neighbours.
    /// One that arrives with a position already (a restart of the layout over
    /// a store it laid out before) keeps it and starts settled.
    package mutating func upsert(_ entity: Entity) {
        let isNamespace = entity.kind == .namespace
        let key = NamespaceRings.key(
            namespace: entity.namespace, isNamespace: isNamespace, name: entity.name, source: entity.source)
        if let slot = slotOf[entity.id] {
            regroup(slot, key: key, isNamespace: isNamespace)
            return
        }
        let slot = allocateSlot(id: entity.id)
        let i = Int(slot)
        let g = rings.group(for: key)
        rings.join(g)
        group[i] = g
        pinned[i] = isNamespace
        let stored = SIMD3(entity.x, entity.y, entity.z)
        published[i] = stored
        if stored != .zero, !isNamespace {
            positions[i] = stored
            placed[i] = true
        } else {
            pending.append(slot)
        }
    }

    /// Removes an entity and its connections; its neighbours relax into the gap.
    package mutating func remove(entityID: String) {
        guard let slot = slotOf.removeValue(forKey: entityID) else { return }
        let i = Int(slot)
        for edge in incident[i] { removeEdge(edge) }
        rings.leave(group[i])
        if heat[i] > 0 { activeCount -= 1 }
        heat[i] = 0
        alive[i] = false
        placed[i] = false
        queued[i] = false
        velocities[i] = .zero
        ids[i] = ""
        freeSlots.append(slot)
        count -= 1
    }

    /// Adds a connection between two known entities and warms both ends.
    /// Unknown ends and self-loops are ignored: they exert no force.
    package mutating func upsert(_ connection: Connection) {
        guard edgeSlotOf[connection.id] == nil,
            let a = slotOf[connection.sourceID], let b = slotOf[connection.targetID], a != b
        else { return }
        let edge: Int32
        if let free = freeEdges.popLast() {
            edge = free
            edgeIDs[Int(edge)] = connection.id
            edgeEnds[Int(edge)] = (a, b)
            edgeAlive[Int(edge)] = true
        } else {
            edge = Int32(edgeIDs.count)
            edgeIDs.append(connection.id)
            edgeEnds.append((a, b))
            edgeAlive.append(true)
        }
        edgeSlotOf[connection.id] = edge
        incident[Int(a)].append(edge)
        incident[Int(b)].append(edge)
        heatUp(a, to: configuration.neighbourReheat)
        heatUp(b, to: configuration.neighbourReheat)
    }

    package mutating func remove(connectionID: String) {
        guard let edge = edgeSlotOf[connectionID] else { return }
        removeEdge(edge)
    }

    // MARK: Internals

    private mutating func removeEdge(_ edge: Int32) {
        let e = Int(edge)
        guard edgeAlive[e] else { return }
        let (a, b) = edgeEnds[e]
        edgeSlotOf.removeValue(forKey: edgeIDs[e])
        edgeAlive[e] = false
        edgeIDs[e] = ""
        freeEdges.append(edge)
        for end in [a, b] {
            if let at = incident[Int(end)].firstIndex(of: edge) { incident[Int(end)].remove(at: at) }
            heatUp(end, to: configuration.neighbourReheat)
        }
    }

    private mutating func regroup(_ slot: Int32, key: String, isNamespace: Bool) {
        let i = Int(slot)
        let g = rings.group(for: key)
        guard g != group[i] || isNamespace != pinned[i] else { return }
        rings.leave(group[i])
        rings.join(g)
        group[i] = g
        pinned[i] = isNamespace
        guard placed[i] else { return }
        if isNamespace {
            if heat[i] > 0 { activeCount -= 1 }
            heat[i] = 0
            velocities[i] = .zero
            positions[i] = rings.anchors[Int(g)]
            enqueue(slot)
        } else {
            heatUp(slot, to: 1)
        }
    }

    private mutating func allocateSlot(id: String) -> Int32 {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            let i = Int(slot)
            ids[i] = id
            alive[i] = true
            positions[i] = .zero
            velocities[i] = .zero
            heat[i] = 0
            group[i] = 0
            pinned[i] = false
            placed[i] = false
            incident[i].removeAll()
            published[i] = .zero
            queued[i] = false
        } else {
            slot = Int32(ids.count)
            ids.append(id)
            alive.append(true)
            positions.append(.zero)
            velocities.append(.zero)
            heat.append(0)
            group.append(0)
            pinned.append(false)
            placed.append(false)
            incident.append([])
            published.append(.zero)
            queued.append(false)
        }
        slotOf[id] = slot
        count += 1
        return slot
    }

    /// Raises an entity's heat to at least `target`; pinned entities never move.
    mutating func heatUp(_ slot: Int32, to target: Double) {
        let i = Int(slot)
        guard alive[i], !pinned[i], target >= configuration.settleHeat, heat[i] < target else { return }
        if heat[i] == 0 { activeCount += 1 }
        heat[i] = target
    }

    /// Queues an entity for publishing unless it waits already.
    mutating func enqueue(_ slot: Int32) {
        guard !queued[Int(slot)] else { return }
        queued[Int(slot)] = true
        movedQueue.push(slot)
    }

    static func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let d = a - b
        return (d * d).sum().squareRoot()
    }

    /// The radius of the ball `members` entities settle into around their
    /// anchor: where the anchor's pull balances their mutual repulsion.
    func clusterRadius(members: Int) -> Double {
        let c = configuration
        return cbrt(c.repulsion * Double(max(members, 1)) / max(c.namespacePull, 1e-6)) + c.linkDistance
    }
}
