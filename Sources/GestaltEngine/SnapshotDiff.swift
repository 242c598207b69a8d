package import GestaltModel

/// A full picture from a poll-based source, keyed by id.
package struct SourceSnapshot: Sendable, Hashable {
    package var entities: [String: Entity]
    package var connections: [String: Connection]

    package init(entities: [Entity] = [], connections: [Connection] = []) {
        self.entities = Dictionary(entities.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.connections = Dictionary(connections.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }
}

extension SourceSnapshot {
    /// Adds `other`'s items, replacing those with the same id.
    package mutating func merge(_ other: SourceSnapshot) {
        entities.merge(other.entities) { _, new in new }
        connections.merge(other.connections) { _, new in new }
    }
}

/// Diffs consecutive full snapshots of one poll-based source in O(n): one
/// dictionary lookup per item, never a nested scan. It yields only what
/// changed; the store then drops changes below its thresholds.
package struct SnapshotDiff: Sendable {
    package private(set) var previous = SourceSnapshot()

    package init() {}

    /// The changes that turn the previous snapshot into `next`, in an order the
    /// store accepts: removals first (connections before entities), then
    /// entities, then the connections that need them.
    package mutating func changes(to next: SourceSnapshot) -> [TopologyChange] {
        let changes = Self.changes(from: previous, to: next)
        previous = next
        return changes
    }

    /// Only the removals of `changes(from:to:)`: what `old` has and `new` lacks.
    package static func removals(from old: SourceSnapshot, to new: SourceSnapshot) -> [TopologyChange] {
        var changes: [TopologyChange] = []
        for id in old.connections.keys.sorted() where new.connections[id] == nil {
            changes.append(.removeConnection(id: id))
        }
        for id in old.entities.keys.sorted() where new.entities[id] == nil {
            changes.append(.removeEntity(id: id))
        }
        return changes
    }

    package static func changes(from old: SourceSnapshot, to new: SourceSnapshot) -> [TopologyChange] {
        var changes: [TopologyChange] = []
        for id in old.connections.keys where new.connections[id] == nil {
            changes.append(.removeConnection(id: id))
        }
        for id in old.entities.keys where new.entities[id] == nil {
            changes.append(.removeEntity(id: id))
        }
        for (id, entity) in new.entities where old.entities[id] != entity {
            changes.append(.upsertEntity(entity))
        }
        for (id, connection) in new.connections where old.connections[id] != connection {
            changes.append(.upsertConnection(connection))
        }
        return changes
    }
}
