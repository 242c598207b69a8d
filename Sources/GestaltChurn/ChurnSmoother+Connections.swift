import GestaltEngine
import GestaltModel

/// Connections with a hidden end wait with it: the store would refuse them,
/// and a client would see an edge to nothing.
extension ChurnSmoother {
    mutating func hold(_ connection: Connection) {
        heldConnections[connection.id] = connection
        heldByEnd[connection.sourceID, default: []].insert(connection.id)
        heldByEnd[connection.targetID, default: []].insert(connection.id)
    }

    mutating func unhold(_ id: String) {
        guard let connection = heldConnections.removeValue(forKey: id) else { return }
        for end in [connection.sourceID, connection.targetID] {
            heldByEnd[end]?.remove(id)
            if heldByEnd[end]?.isEmpty == true { heldByEnd[end] = nil }
        }
    }

    /// Queues the held connections of an entity just shown whose other end is not hidden.
    mutating func releaseHeldConnections(of id: String, now: ContinuousClock.Instant) {
        for connectionID in (heldByEnd[id] ?? []).sorted() {
            guard let connection = heldConnections[connectionID],
                !isHidden(connection.sourceID), !isHidden(connection.targetID)
            else { continue }
            unhold(connectionID)
            enqueue(.upsertConnection(connection), now: now)
        }
    }

    /// Forgets the held connections of an entity that is gone.
    mutating func dropHeldConnections(touching id: String) {
        for connectionID in heldByEnd[id] ?? [] { unhold(connectionID) }
    }
}
