public import GestaltEngine

/// One position to publish: the layout's answer to "who moved meaningfully".
public struct LayoutMove: Sendable, Hashable {
    public var id: String
    public var x: Double
    public var y: Double
    public var z: Double

    public init(id: String, x: Double, y: Double, z: Double) {
        self.id = id
        self.x = x
        self.y = y
        self.z = z
    }

    /// The store change that publishes this move as an ordinary `update`.
    public var change: TopologyChange { .moveEntity(id: id, x: x, y: y, z: z) }
}
