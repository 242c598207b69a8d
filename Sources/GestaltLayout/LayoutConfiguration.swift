/// Every tunable of the layout engine and its publishing loop, in one place.
///
/// Distances are in layout units (what `x, y, z` carry on the wire). The
/// defaults give neighbouring entities a few units of room and keep a settled
/// graph silent.
package struct LayoutConfiguration: Sendable, Hashable {
    /// Seeds every pseudo-random choice (initial jitter), so one seed and one
    /// sequence of changes always give the same positions.
    package var seed: UInt64 = 1
    /// The most `moveEntity` changes the service applies per second.
    package var maxMovesPerSecond: Int = 300
    /// An entity is published again only when it is farther than this from
    /// where it was last published.
    package var minimumMove: Double = 0.5
    /// How often the service publishes moves and looks for work.
    package var tickInterval: Duration = .milliseconds(50)

    /// Rest length of a connection's spring.
    package var linkDistance: Double = 5
    /// Strength of the inverse-square repulsion between any two entities.
    package var repulsion: Double = 30
    /// Barnes-Hut opening angle: a cell narrower than `theta` times its
    /// distance is treated as one body. Larger is faster and coarser.
    package var theta: Double = 0.9
    /// Pull of an entity towards its namespace anchor, per unit of distance.
    package var namespacePull: Double = 0.2
    /// Spring strength factor for connections that cross namespaces, so that
    /// cross-namespace traffic does not drag namespaces into each other.
    package var crossNamespaceLinkStrength: Double = 0.2
    /// Fraction of velocity lost per step (friction).
    package var velocityDecay: Double = 0.4
    /// Fraction of an entity's heat lost per step.
    package var cooling: Double = 0.03
    /// Below this heat an entity is settled: it stops moving and costs nothing.
    package var settleHeat: Double = 0.01
    /// Heat given to the neighbours of a new or removed entity or connection,
    /// so the neighbourhood makes room without disturbing the rest.
    package var neighbourReheat: Double = 0.3
    /// The fastest an entity moves in one step, which keeps dense initial
    /// placements from exploding.
    package var maxSpeed: Double = 10
    /// The smallest distance between neighbouring namespace anchors; it grows
    /// with the largest namespace so that namespaces do not overlap.
    package var minimumNamespaceSpacing: Double = 40

    package init(seed: UInt64 = 1) {
        self.seed = seed
    }
}
