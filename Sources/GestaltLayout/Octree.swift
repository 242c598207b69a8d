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

    /// A cell as the force walk reads it: 48 bytes, read front to back.
    struct FlatCell: Sendable {
        var massCenterAndMass: SIMD4<Double>
        var width2: Double
        /// Index of the first cell after this one's subtree.
        var skip: Int32
        /// The leaf's point, or -1 for an internal cell.
        var point: Int32
    }

    private(set) var cells: [Cell] = []
    private(set) var flat: [FlatCell] = []

    /// Rebuilds the tree over the points whose `alive` flag is set.
    mutating func build(positions: [SIMD3<Double>], alive: [Bool]) {
        cells.removeAll(keepingCapacity: true)
        var low = SIMD3<Double>(repeating: .infinity)
        var high = SIMD3<Double>(repeating: -.infinity)
        for i in positions.indices where alive[i] {
            low = pointwiseMin(low, positions[i])
            high = pointwiseMax(high, positions[i])
        }
        guard low.x <= high.x else {
            flat.removeAll(keepingCapacity: true)
            return
        }
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
        flatten()
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
    ///
    /// The walk runs over `flat`, the non-empty cells in depth-first order
    /// with a skip link past each subtree: accepting a cell jumps over its
    /// subtree, opening it steps to the next entry, so memory is read
    /// forwards and no stack is needed.
    func repulsion(on index: Int32, at p: SIMD3<Double>, theta2: Double, minDistance2: Double) -> SIMD3<Double> {
        flat.withUnsafeBufferPointer { flat in
            var force = SIMD3<Double>.zero
            var k = 0
            let end = flat.count
            while k < end {
                let cell = flat[k]
                let d = p - SIMD3(cell.massCenterAndMass.x, cell.massCenterAndMass.y, cell.massCenterAndMass.z)
                let d2 = (d * d).sum()
                let mass = cell.massCenterAndMass.w
                if cell.point >= 0 {
                    if cell.point != index || mass > 1 {
                        force += Self.push(d, d2, mass: mass, index: index, minDistance2: minDistance2)
                    }
                    k += 1
                } else if cell.width2 < theta2 * d2 {
                    force += Self.push(d, d2, mass: mass, index: index, minDistance2: minDistance2)
                    k = Int(cell.skip)
                } else {
                    k += 1
                }
            }
            return force
        }
    }

    /// Lays the non-empty cells out depth first, each with the index just
    /// past its subtree.
    private mutating func flatten() {
        flat.removeAll(keepingCapacity: true)
        guard !cells.isEmpty, cells[0].mass > 0 else { return }
        append(0)
    }

    private mutating func append(_ c: Int) {
        let cell = cells[c]
        let at = flat.count
        flat.append(
            FlatCell(
                massCenterAndMass: SIMD4(cell.massCenter.x, cell.massCenter.y, cell.massCenter.z, cell.mass),
                width2: cell.width * cell.width, skip: 0, point: cell.firstChild < 0 ? cell.point : -1))
        if cell.firstChild >= 0 {
            for k in 0..<8 where cells[Int(cell.firstChild) + k].mass > 0 { append(Int(cell.firstChild) + k) }
        }
        flat[at].skip = Int32(flat.count)
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
