/// A Barnes-Hut octree over entity positions, rebuilt before each step.
///
/// Building is O(n log n) and each repulsion query visits O(log n) cells, so
/// a step costs O(n log n) instead of the O(n²) of summing every pair. The
/// storage is kept between builds so a step allocates nothing once warm.
struct Octree: Sendable {
    /// One cube of space. A leaf holds one point (or, at `maxDepth`, several
    /// that coincide); an internal cell has eight consecutive children.
    struct Cell: Sendable {
        /// Sum of positions while building, centre of mass afterwards.
        var massCenter: SIMD3<Double>
        var mass: Double
        var width: Double
        /// Index of the first of eight children, or -1 for a leaf.
        var firstChild: Int32
        /// A point held by a leaf, or -1.
        var point: Int32
    }

    /// Deep enough that only (nearly) coincident points share a leaf.
    static let maxDepth = 24

    private(set) var cells: [Cell] = []

    /// Rebuilds the tree over the points whose `alive` flag is set.
    mutating func build(positions: [SIMD3<Double>], alive: [Bool]) {
        cells.removeAll(keepingCapacity: true)
        var low = SIMD3<Double>(repeating: .infinity)
        var high = SIMD3<Double>(repeating: -.infinity)
        for i in positions.indices where alive[i] {
            low = pointwiseMin(low, positions[i])
            high = pointwiseMax(high, positions[i])
        }
        guard low.x <= high.x else { return }
        let center = (low + high) * 0.5
        // Slightly larger than the bounds, so points on the faces fall inside.
        let half = max((high - low).max() * 0.5 * 1.0001, 1e-3)
        cells.append(Cell(massCenter: .zero, mass: 0, width: half * 2, firstChild: -1, point: -1))
        for i in positions.indices where alive[i] {
            insert(Int32(i), at: positions[i], center: center, half: half, positions: positions)
        }
        for c in cells.indices where cells[c].mass > 0 {
            cells[c].massCenter /= cells[c].mass
        }
    }

    private mutating func insert(
        _ index: Int32, at p: SIMD3<Double>, center: SIMD3<Double>, half: Double, positions: [SIMD3<Double>]
    ) {
        var cell = 0
        var c = center
        var h = half
        var depth = 0
        cells[0].mass += 1
        cells[0].massCenter += p
        while true {
            let first = cells[cell].firstChild
            if first >= 0 {
                let (octant, offset) = Self.octant(of: p, around: c)
                h *= 0.5
                c += offset * h
                depth += 1
                cell = Int(first) + octant
                cells[cell].mass += 1
                cells[cell].massCenter += p
                continue
            }
            let existing = cells[cell].point
            if existing < 0 || depth >= Self.maxDepth {
                // At the depth limit coincident points pile up in one leaf;
                // its mass counts them all.
                if existing < 0 { cells[cell].point = index }
                return
            }
            // Split: the resident point moves down one level, then the loop
            // descends again with the new one.
            let base = Int32(cells.count)
            let childWidth = h
            for _ in 0..<8 {
                cells.append(Cell(massCenter: .zero, mass: 0, width: childWidth, firstChild: -1, point: -1))
            }
            let q = positions[Int(existing)]
            let (octant, _) = Self.octant(of: q, around: c)
            let child = Int(base) + octant
            cells[child].mass = 1
            cells[child].massCenter = q
            cells[child].point = existing
            cells[cell].point = -1
            cells[cell].firstChild = base
        }
    }

    private static func octant(of p: SIMD3<Double>, around c: SIMD3<Double>) -> (Int, SIMD3<Double>) {
        var octant = 0
        var offset = SIMD3<Double>(-1, -1, -1)
        if p.x >= c.x { octant |= 1; offset.x = 1 }
        if p.y >= c.y { octant |= 2; offset.y = 1 }
        if p.z >= c.z { octant |= 4; offset.z = 1 }
        return (octant, offset)
    }

    /// The inverse-square repulsion felt by point `index` at `p`, per unit of
    /// strength. `theta2` is the squared opening angle; `minDistance2` caps
    /// the force between points that nearly touch.
    func repulsion(on index: Int32, at p: SIMD3<Double>, theta2: Double, minDistance2: Double) -> SIMD3<Double> {
        guard !cells.isEmpty else { return .zero }
        return cells.withUnsafeBufferPointer { cells in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 8 * Self.maxDepth + 16) { stack in
                var force = SIMD3<Double>.zero
                var top = 0
                stack[0] = 0
                top = 1
                while top > 0 {
                    top -= 1
                    let cell = cells[Int(stack[top])]
                    if cell.mass == 0 { continue }
                    let d = p - cell.massCenter
                    let d2 = (d * d).sum()
                    if cell.firstChild < 0 {
                        if cell.point == index && cell.mass == 1 { continue }
                        force += Self.push(d, d2, mass: cell.mass, index: index, minDistance2: minDistance2)
                    } else if cell.width * cell.width < theta2 * d2 {
                        force += Self.push(d, d2, mass: cell.mass, index: index, minDistance2: minDistance2)
                    } else {
                        let first = cell.firstChild
                        for k in 0..<Int32(8) { stack[top] = first + k; top += 1 }
                    }
                }
                return force
            }
        }
    }

    @inline(__always)
    private static func push(
        _ d: SIMD3<Double>, _ d2: Double, mass: Double, index: Int32, minDistance2: Double
    ) -> SIMD3<Double> {
        if d2 == 0 {
            // Coincident points: a direction of the point's own, so two of
            // them part instead of cancelling.
            return direction(index) * (mass / minDistance2)
        }
        let clamped = max(d2, minDistance2)
        return d * (mass / (clamped * d2.squareRoot()))
    }

    private static func direction(_ index: Int32) -> SIMD3<Double> { StableRandom.direction(index) }
}
