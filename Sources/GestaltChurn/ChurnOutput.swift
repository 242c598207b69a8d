public import GestaltEngine

/// What the smoother releases at one instant.
public struct ChurnOutput: Sendable {
    /// Changes to apply to the store, in this order.
    public var changes: [TopologyChange] = []
    public var notices: [ChurnNotice] = []

    public init(changes: [TopologyChange] = [], notices: [ChurnNotice] = []) {
        self.changes = changes
        self.notices = notices
    }

    public var isEmpty: Bool { changes.isEmpty && notices.isEmpty }
}
