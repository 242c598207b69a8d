extension ForceLayout {
    /// Up to `limit` entities that moved meaningfully since they were last
    /// published, oldest first and never-published ones before all others.
    /// Each is recorded as published at the position returned.
    ///
    /// An entity that moved less than `minimumMove` leaves the queue; if it is
    /// still moving, its next step queues it again. So a settled layout, once
    /// drained, returns nothing.
    package mutating func movesToPublish(limit: Int) -> [LayoutMove] {
        var moves: [LayoutMove] = []
        guard limit > 0 else { return moves }
        // The queues are taken out while draining: `drain` mutates self too.
        var fresh = freshQueue
        freshQueue = SlotQueue()
        drain(&fresh, into: &moves, limit: limit)
        freshQueue = fresh
        var moved = movedQueue
        movedQueue = SlotQueue()
        drain(&moved, into: &moves, limit: limit)
        movedQueue = moved
        return moves
    }

    private mutating func drain(_ queue: inout SlotQueue, into moves: inout [LayoutMove], limit: Int) {
        while moves.count < limit, let slot = queue.pop() {
            let i = Int(slot)
            guard alive[i], queued[i] else { continue }
            queued[i] = false
            let p = positions[i]
            guard Self.distance(p, published[i]) > configuration.minimumMove else { continue }
            published[i] = p
            moves.append(LayoutMove(id: ids[i], x: p.x, y: p.y, z: p.z))
        }
    }
}
