/// One change to the topology, as streamed to clients.
package struct TopologyUpdate: Sendable, Hashable {
    package var kind: UpdateKind
    package var revision: UInt64
    package var timestamp: Timestamp
    package var entity: Entity?
    package var connection: Connection?
    package var topology: Topology?

    package init(
        kind: UpdateKind, revision: UInt64, timestamp: Timestamp, entity: Entity? = nil, connection: Connection? = nil,
        topology: Topology? = nil
    ) {
        self.kind = kind
        self.revision = revision
        self.timestamp = timestamp
        self.entity = entity
        self.connection = connection
        self.topology = topology
    }
}

extension TopologyUpdate: JSONWritable {
    package func write(to w: inout JSONWriter) {
        TopologyUpdate.write(
            kind: kind, revision: revision, timestamp: timestamp, to: &w,
            entity: entity.map { e in { e.write(to: &$0) } },
            connection: connection.map { c in { c.write(to: &$0) } },
            topology: topology.map { t in { t.write(to: &$0) } })
    }

    /// The one layout of a TopologyUpdate; payloads are written by the closures given.
    package static func write(
        kind: UpdateKind, revision: UInt64, timestamp: Timestamp, to w: inout JSONWriter,
        entity: ((inout JSONWriter) -> Void)? = nil,
        connection: ((inout JSONWriter) -> Void)? = nil,
        topology: ((inout JSONWriter) -> Void)? = nil
    ) {
        w.beginObject()
        w.key("kind"); w.string(kind.rawValue)
        w.key("revision"); w.number(revision)
        w.key("timestamp"); w.timestamp(timestamp)
        w.key("entity"); if let entity { entity(&w) } else { w.null() }
        w.key("connection"); if let connection { connection(&w) } else { w.null() }
        w.key("topology"); if let topology { topology(&w) } else { w.null() }
        w.endObject()
    }
}

extension TopologyUpdate: Decodable {
    enum CodingKeys: String, CodingKey { case kind, revision, timestamp, entity, connection, topology }
}
