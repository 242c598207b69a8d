import Dispatch
import Foundation

extension ForceLayout {
    /// Places new entities, then moves every unsettled entity once.
    ///
    /// Forces are computed from the positions at the start of the step and
    /// applied afterwards, so the result does not depend on visiting order.
    /// Returns the step's kinetic energy (sum of squared displacements); a
    /// settled layout returns 0 at once, without building anything.
    @discardableResult
    package mutating func step() -> Double {
        placeNewEntities()
        guard activeCount > 0 else { return 0 }
        let c = configuration
        octree.build(positions: positions, alive: alive)
        let theta2 = c.theta * c.theta
        // Closer than a tenth of a link, repulsion stops growing: two entities
        // placed on top of each other part quickly but without exploding.
        let minDistance2 = max(c.linkDistance * 0.1, 1e-3) * max(c.linkDistance * 0.1, 1e-3)

        // Forces read only the positions, so chunks of entities are computed
        // in parallel against an immutable copy of the layout (no copying
        // happens: nothing mutates it meanwhile).
        let layout = self
        var next = velocities
        let count = positions.count
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, count / 1024))
        next.withUnsafeMutableBufferPointer { buffer in
            // Safe to share: chunk k writes only indices in its own range
            // [count*k/chunks, count*(k+1)/chunks), the ranges are disjoint,
            // and concurrentPerform returns only when every chunk is done,
            // before `buffer` goes out of scope.
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) where layout.heat[i] > 0 {
                    out[i] = layout.nextVelocity(of: i, theta2: theta2, minDistance2: minDistance2)
                }
            }
        }
        velocities = next

        var energy = 0.0
        let cooling = 1 - c.cooling
        for i in positions.indices where heat[i] > 0 {
            let v = velocities[i]
            positions[i] += v
            energy += (v * v).sum()
            enqueue(Int32(i))
            heat[i] *= cooling
            if heat[i] < c.settleHeat {
                heat[i] = 0
                velocities[i] = .zero
                activeCount -= 1
            }
        }
        return energy
    }

    /// The velocity of entity `i` after this step's forces, friction and speed limit.
    private func nextVelocity(of i: Int, theta2: Double, minDistance2: Double) -> SIMD3<Double> {
        let c = configuration
        let p = positions[i]
        var force = octree.repulsion(on: Int32(i), at: p, theta2: theta2, minDistance2: minDistance2) * c.repulsion
        force += springForce(on: i)
        force += (rings.anchors[Int(group[i])] - p) * c.namespacePull
        var v = (velocities[i] + force * heat[i]) * (1 - c.velocityDecay)
        let speed2 = (v * v).sum()
        if speed2 > c.maxSpeed * c.maxSpeed { v *= c.maxSpeed / speed2.squareRoot() }
        return v
    }

    /// Hooke springs towards connected entities, d3-style: strength
    /// `1 / min(degree)` so hubs do not crush their leaves, and each end takes
    /// the share of the correction that its peer's degree says, so a leaf
    /// moves to its hub rather than the hub to each leaf.
    private func springForce(on i: Int) -> SIMD3<Double> {
        let edges = incident[i]
        guard !edges.isEmpty else { return .zero }
        let c = configuration
        let p = positions[i]
        let degree = Double(edges.count)
        var force = SIMD3<Double>.zero
        for edge in edges {
            let (a, b) = edgeEnds[Int(edge)]
            let j = Int(a) == i ? Int(b) : Int(a)
            let d = positions[j] - p
            let length = (d * d).sum().squareRoot()
            guard length > 0 else { continue }
            let peerDegree = Double(incident[j].count)
            var strength = 1 / min(degree, peerDegree)
            if group[j] != group[i] { strength *= c.crossNamespaceLinkStrength }
            let share = peerDegree / (degree + peerDegree)
            force += d * ((length - c.linkDistance) / length * strength * share)
        }
        return force
    }
}
