import Foundation

/// Where namespaces sit: the plan's "namespace rings".
///
/// Each group (a namespace, or the cluster-scoped entities of one source)
/// gets an anchor slot in the order it was first seen. Ring `r` (from 1)
/// holds `6r` slots at radius `r × spacing` in the x-z plane, so
/// neighbouring anchors are about `spacing` apart and a new namespace never
/// moves an existing one. Members are pulled towards their anchor and form a
/// ball around it.
struct NamespaceRings: Sendable {
    private(set) var keys: [String] = []
    private var slots: [String: Int32] = [:]
    private(set) var memberCounts: [Int] = []
    private(set) var anchors: [SIMD3<Double>] = []
    private(set) var spacing: Double
    private(set) var largest = 0

    init(spacing: Double) {
        self.spacing = spacing
    }

    /// The group an entity belongs to. A namespace entity anchors its own
    /// group; cluster-scoped entities group by source, so a source's nodes or
    /// subjects sit together.
    static func key(namespace: String?, isNamespace: Bool, name: String, source: String) -> String {
        if let namespace { return namespace }
        if isNamespace { return name }
        return "\u{0}" + source
    }

    /// The group's index, creating it (and its anchor) on first sight.
    mutating func group(for key: String) -> Int32 {
        if let slot = slots[key] { return slot }
        let slot = Int32(keys.count)
        slots[key] = slot
        keys.append(key)
        memberCounts.append(0)
        anchors.append(Self.anchor(slot: Int(slot), spacing: spacing))
        return slot
    }

    mutating func join(_ group: Int32) {
        memberCounts[Int(group)] += 1
        largest = max(largest, memberCounts[Int(group)])
    }

    mutating func leave(_ group: Int32) { memberCounts[Int(group)] -= 1 }

    /// Widens the rings when the largest namespace (whose ball has radius
    /// `largestRadius`) has outgrown them.
    /// Returns each anchor's displacement, or nil when nothing moved.
    ///
    /// Spacing only grows, and by a quarter more than needed, so this
    /// happens a handful of times in a graph's life rather than on every add.
    mutating func widenIfNeeded(largestRadius: Double) -> [SIMD3<Double>]? {
        let needed = 2.5 * largestRadius
        guard needed > spacing else { return nil }
        spacing = needed * 1.25
        var deltas: [SIMD3<Double>] = []
        deltas.reserveCapacity(anchors.count)
        for slot in anchors.indices {
            let moved = Self.anchor(slot: slot, spacing: spacing)
            deltas.append(moved - anchors[slot])
            anchors[slot] = moved
        }
        return deltas
    }

    static func anchor(slot: Int, spacing: Double) -> SIMD3<Double> {
        // The origin stays free: (0, 0, 0) is where clients see an entity the
        // layout has not reached yet.
        var ring = 1
        var first = 0
        while slot >= first + 6 * ring {
            first += 6 * ring
            ring += 1
        }
        let count = Double(6 * ring)
        // Each ring is turned by half a slot against the previous one, so
        // anchors of neighbouring rings do not line up radially.
        let angle = (Double(slot - first) + 0.5 * Double(ring % 2)) / count * 2 * Double.pi
        let radius = Double(ring) * spacing
        return SIMD3(radius * cos(angle), 0, radius * sin(angle))
    }
}
