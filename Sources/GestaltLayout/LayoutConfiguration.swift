/// Every tunable of the layout engine and its publishing loop, in one place.
///
/// Distances are in layout units (what `x, y, z` carry on the wire). The
/// defaults give neighbouring entities a few units of room and keep a settled
/// graph silent.
public struct LayoutConfiguration: Sendable, Hashable {
    /// Seeds every pseudo-random choice (initial jitter), so one seed and one
    /// sequence of changes always give the same positions.
    public var seed: UInt64 = 1
    /// The most `moveEntity` changes the service applies per second.
    public var maxMovesPerSecond: Int = 300
    /// An entity is published again only when it is farther than this from
    /// where it was last published.
    public var minimumMove: Double = 0.5
    /// How often the service publishes moves and looks for work.
    public var tickInterval: Duration = .milliseconds(50)

    /// Rest length of a connection's spring.
    public var linkDistance: Double = 5
    /// Strength of the inverse-square repulsion between any two entities.
    public var repulsion: Double = 30
    /// Barnes-Hut opening angle: a cell narrower than `theta` times its
    /// distance is treated as one body. Larger is faster and coarser.
    public var theta: Double = 0.9
    /// Pull of an entity towards its namespace anchor, per unit of distance.
    public var namespacePull: Double = 0.2
    /// Spring strength factor for connections that cross namespaces, so that
    /// cross-namespace traffic does not drag namespaces into each other.
    public var crossNamespaceLinkStrength: Double = 0.2
    /// Fraction of velocity lost per step (friction).
    public var velocityDecay: Double = 0.4
    /// Fraction of an entity's heat lost per step.
    public var cooling: Double = 0.03
    /// Below this heat an entity is settled: it stops moving and costs nothing.
    public var settleHeat: Double = 0.01
    /// Heat given to the neighbours of a new or removed entity or connection,
    /// so the neighbourhood makes room without disturbing the rest.
    public var neighbourReheat: Double = 0.3
    /// The fastest an entity moves in one step, which keeps dense initial
    /// placements from exploding.
    public var maxSpeed: Double = 10
    /// The smallest distance between neighbouring namespace anchors; it grows
    /// with the largest namespace so that namespaces do not overlap.
    public var minimumNamespaceSpacing: Double = 40

    public init(seed: UInt64 = 1) {
        self.seed = seed
    }
}
