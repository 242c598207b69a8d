/// Something that happened to an entity, Kubernetes-event style.
package struct InfraEvent: Sendable, Hashable {
    package var id: String
    package var seq: UInt64
    package var type: String
    package var reason: String
    package var message: String
    package var entityID: String
    package var entityKind: EntityKind
    package var entityName: String
    package var timestamp: Timestamp
    package var severity: Severity
    /// The involved entity's namespace, as the store knew the entity when it
    /// recorded the event; what a namespace-restricted token is judged by
    /// (an id such as a Docker container's does not say it). Nil when unknown.
    package var entityNamespace: String?

    /// A new event; the store assigns `seq` and `id` when it records it.
    package init(
        type: String, reason: String, message: String,
        entityID: String, entityKind: EntityKind, entityName: String,
        severity: Severity, timestamp: Timestamp = .now(), seq: UInt64 = 0
    ) {
        self.id = InfraEvent.id(seq: seq)
        self.seq = seq
        self.type = type
        self.reason = reason
        self.message = message
        self.entityID = entityID
        self.entityKind = entityKind
        self.entityName = entityName
        self.timestamp = timestamp
        self.severity = severity
    }

    /// `ev-000123`: zero-padded to six digits, wider when needed.
    package static func id(seq: UInt64) -> String {
        let digits = String(seq)
        return "ev-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

extension InfraEvent: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("seq"); w.number(seq)
        w.key("type"); w.string(type)
        w.key("reason"); w.string(reason)
        w.key("message"); w.string(message)
        w.key("entity_id"); w.string(entityID)
        w.key("entity_kind"); w.string(entityKind.rawValue)
        w.key("entity_name"); w.string(entityName)
        w.key("timestamp"); w.timestamp(timestamp)
        w.key("severity"); w.string(severity.rawValue)
        if let entityNamespace { w.key("entity_namespace"); w.string(entityNamespace) }
        w.endObject()
    }
}

extension InfraEvent: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, seq, type, reason, message, timestamp, severity
        case entityID = "entity_id"
        case entityKind = "entity_kind"
        case entityName = "entity_name"
        case entityNamespace = "entity_namespace"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            type: try c.decode(String.self, forKey: .type),
            reason: try c.decode(String.self, forKey: .reason),
            message: try c.decode(String.self, forKey: .message),
            entityID: try c.decode(String.self, forKey: .entityID),
            entityKind: try c.decode(EntityKind.self, forKey: .entityKind),
            entityName: try c.decode(String.self, forKey: .entityName),
            severity: try c.decode(Severity.self, forKey: .severity),
            timestamp: try c.decode(Timestamp.self, forKey: .timestamp),
            seq: try c.decode(UInt64.self, forKey: .seq)
        )
        self.id = try c.decode(String.self, forKey: .id)
        self.entityNamespace = try c.decodeIfPresent(String.self, forKey: .entityNamespace)
    }
}
