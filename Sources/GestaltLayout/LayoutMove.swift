package import GestaltEngine

/// One position to publish: the layout's answer to "who moved meaningfully".
package struct LayoutMove: Sendable, Hashable {
    package var id: String
    package var x: Double
    package var y: Double
    package var z: Double

    package init(id: String, x: Double, y: Double, z: Double) {
        self.id = id
        self.x = x
        self.y = y
        self.z = z
    }

    /// The store change that publishes this move as an ordinary `update`.
    package var change: TopologyChange { .moveEntity(id: id, x: x, y: y, z: z) }
}
