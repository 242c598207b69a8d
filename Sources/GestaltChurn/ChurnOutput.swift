package import GestaltEngine

/// What the smoother releases at one instant.
package struct ChurnOutput: Sendable {
    /// Changes to apply to the store, in this order.
    package var changes: [TopologyChange] = []
    package var notices: [ChurnNotice] = []

    package init(changes: [TopologyChange] = [], notices: [ChurnNotice] = []) {
        self.changes = changes
        self.notices = notices
    }

    package var isEmpty: Bool { changes.isEmpty && notices.isEmpty }
}
