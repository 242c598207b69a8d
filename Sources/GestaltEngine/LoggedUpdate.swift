package import GestaltModel

/// An applied change as the store retains it: the update, its JSON (encoded
/// once for every subscriber), and what a filtered view needs to decide
/// whether the change enters, stays in or leaves it.
package struct LoggedUpdate: Sendable {
    package let revision: UInt64
    package let kind: UpdateKind
    package let timestamp: Timestamp
    /// The TopologyUpdate JSON, without any framing.
    package let json: [UInt8]
    /// The values, in one shared box: the log, every reader's batch and the
    /// recorder copy updates by the thousand, and a copy is then two
    /// references instead of several entities' fields (docs/BENCHMARKS.md,
    /// "History: the write path").
    private let values: Values

    /// New state for `add`/`update`; the last state for `remove`.
    package var entity: Entity? { values.entity }
    /// The state before an `update`.
    package var previous: Entity? { values.previous }
    package var connection: Connection? { values.connection }
    /// Both ends of `connection`, as they were when it changed.
    package var ends: (source: Entity, target: Entity)? { values.ends }
    /// For an `update` that changed what filters look at (labels, namespace,
    /// kind): the entity's connections and the entity at their other end.
    package var neighbours: [(connection: Connection, peer: Entity)] { values.neighbours }

    private final class Values: Sendable {
        let entity: Entity?
        let previous: Entity?
        let connection: Connection?
        let ends: (source: Entity, target: Entity)?
        let neighbours: [(connection: Connection, peer: Entity)]

        init(
            entity: Entity?, previous: Entity?, connection: Connection?, ends: (source: Entity, target: Entity)?,
            neighbours: [(connection: Connection, peer: Entity)]
        ) {
            self.entity = entity
            self.previous = previous
            self.connection = connection
            self.ends = ends
            self.neighbours = neighbours
        }
    }

    init(
        revision: UInt64, kind: UpdateKind, timestamp: Timestamp, entity: Entity? = nil, previous: Entity? = nil,
        connection: Connection? = nil, ends: (source: Entity, target: Entity)? = nil,
        neighbours: [(connection: Connection, peer: Entity)] = [], json: [UInt8]
    ) {
        self.revision = revision
        self.kind = kind
        self.timestamp = timestamp
        self.json = json
        self.values = Values(
            entity: entity, previous: previous, connection: connection, ends: ends, neighbours: neighbours)
    }

    /// The update as a value, for tests and non-streaming readers.
    package var update: TopologyUpdate {
        TopologyUpdate(kind: kind, revision: revision, timestamp: timestamp, entity: entity, connection: connection)
    }
}

/// What the store holds after a given revision.
package enum LogRead: Sendable {
    /// Exactly the updates after the revision asked for, oldest first (maybe none).
    case updates([LoggedUpdate])
    /// The revision is older than the retained window, or unknown: send a `full`.
    case gone
}
