extension ForceLayout {
    /// Gives every new entity its first position. `step()` calls it; call it
    /// directly to time or inspect placement alone.
    ///
    /// Placement walks outwards from what is already placed (breadth first,
    /// in arrival order), so a new pod lands beside its owner or service.
    /// An entity with no placed neighbour lands inside its namespace's ball.
    package mutating func placeNewEntities() {
        guard !pending.isEmpty else { return }
        widenRingsIfNeeded()
        var waiting = pending.filter { alive[Int($0)] && !placed[Int($0)] }
        pending.removeAll(keepingCapacity: true)
        // A slot can appear twice (removed and reused before placement).
        var seen = Set<Int32>()
        waiting = waiting.filter { seen.insert($0).inserted }

        var inQueue = Set<Int32>()
        var queue = SlotQueue()
        for slot in waiting where hasPlacedNeighbour(slot) {
            inQueue.insert(slot)
            queue.push(slot)
        }
        var cursor = 0
        while true {
            while let slot = queue.pop() {
                place(slot)
                for edge in incident[Int(slot)] {
                    let peer = peer(of: slot, across: edge)
                    if !placed[Int(peer)], inQueue.insert(peer).inserted { queue.push(peer) }
                }
            }
            // Nothing placed reaches the rest: start the next one from its anchor.
            while cursor < waiting.count, placed[Int(waiting[cursor])] || inQueue.contains(waiting[cursor]) {
                cursor += 1
            }
            guard cursor < waiting.count else { break }
            inQueue.insert(waiting[cursor])
            queue.push(waiting[cursor])
        }
    }

    private func hasPlacedNeighbour(_ slot: Int32) -> Bool {
        incident[Int(slot)].contains { placed[Int(peer(of: slot, across: $0))] }
    }

    private func peer(of slot: Int32, across edge: Int32) -> Int32 {
        let (a, b) = edgeEnds[Int(edge)]
        return a == slot ? b : a
    }

    private mutating func place(_ slot: Int32) {
        let i = Int(slot)
        let anchor = rings.anchors[Int(group[i])]
        let jitter = StableRandom.pointInBall(StableRandom.hash(ids[i], seed: configuration.seed))
        if pinned[i] {
            positions[i] = anchor
        } else {
            var sum = SIMD3<Double>.zero
            var n = 0.0
            for edge in incident[i] {
                let j = Int(peer(of: slot, across: edge))
                if placed[j] {
                    sum += positions[j]
                    n += 1
                }
            }
            if n > 0 {
                positions[i] = sum / n + jitter * configuration.linkDistance
            } else {
                let members = rings.memberCounts[Int(group[i])]
                positions[i] = anchor + jitter * clusterRadius(members: members) * 0.6
            }
        }
        placed[i] = true
        velocities[i] = .zero
        heatUp(slot, to: 1)
        if !queued[i] {
            queued[i] = true
            freshQueue.push(slot)
        }
    }

    /// Moves namespaces apart when the largest has outgrown the rings,
    /// carrying every member with its anchor so the picture keeps its shape.
    private mutating func widenRingsIfNeeded() {
        let radius = clusterRadius(members: rings.largest)
        guard let deltas = rings.widenIfNeeded(largestRadius: radius) else { return }
        for i in positions.indices where alive[i] && placed[i] {
            positions[i] += deltas[Int(group[i])]
            enqueue(Int32(i))
        }
    }
}
