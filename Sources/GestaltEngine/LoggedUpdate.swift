public import GestaltModel

/// An applied change as the store retains it: the update, its JSON (encoded
/// once for every subscriber), and what a filtered view needs to decide
/// whether the change enters, stays in or leaves it.
public struct LoggedUpdate: Sendable {
    public let revision: UInt64
    public let kind: UpdateKind
    public let timestamp: Timestamp
    /// New state for `add`/`update`; the last state for `remove`.
    public let entity: Entity?
    /// The state before an `update`.
    public let previous: Entity?
    public let connection: Connection?
    /// Both ends of `connection`, as they were when it changed.
    public let ends: (source: Entity, target: Entity)?
    /// For an `update` that changed what filters look at (labels, namespace,
    /// kind): the entity's connections and the entity at their other end.
    public let neighbours: [(connection: Connection, peer: Entity)]
    /// The TopologyUpdate JSON, without any framing.
    public let json: [UInt8]

    init(
        revision: UInt64, kind: UpdateKind, timestamp: Timestamp, entity: Entity? = nil, previous: Entity? = nil,
        connection: Connection? = nil, ends: (source: Entity, target: Entity)? = nil,
        neighbours: [(connection: Connection, peer: Entity)] = [], json: [UInt8]
    ) {
        self.revision = revision
        self.kind = kind
        self.timestamp = timestamp
        self.entity = entity
        self.previous = previous
        self.connection = connection
        self.ends = ends
        self.neighbours = neighbours
        self.json = json
    }

    /// The update as a value, for tests and non-streaming readers.
    public var update: TopologyUpdate {
        TopologyUpdate(kind: kind, revision: revision, timestamp: timestamp, entity: entity, connection: connection)
    }
}

/// What the store holds after a given revision.
public enum LogRead: Sendable {
    /// Exactly the updates after the revision asked for, oldest first (maybe none).
    case updates([LoggedUpdate])
    /// The revision is older than the retained window, or unknown: send a `full`.
    case gone
}
