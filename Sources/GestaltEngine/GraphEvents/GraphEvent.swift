import Foundation
package import GestaltModel

/// One graph change in the graph seed's format: its NATS subject
/// (`graph.node.created` …, also the SSE event name) and its JSON payload.
/// `project_id` is the entity's namespace ("" for none), so a view filtered
/// to one namespace sees that namespace's changes.
package struct GraphEvent: Sendable, Equatable {
    package static let subjects = [
        "graph.node.created", "graph.node.updated", "graph.node.deleted",
        "graph.edge.created", "graph.edge.deleted", "graph.invalidated",
    ]

    package let subject: String
    package let projectID: String
    package let json: [UInt8]

    /// Takes an event received as bytes (from NATS); nil unless the subject is
    /// one of ours and the payload is a JSON object.
    package init?(subject: String, payload: [UInt8]) {
        guard Self.subjects.contains(subject),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        else { return nil }
        self.subject = subject
        self.projectID = object["project_id"] as? String ?? ""
        // Re-encoded so a foreign publisher's line breaks cannot split an SSE `data:` line.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        self.json = Array(data)
    }

    /// A field of one of our own events.
    indirect enum Field {
        case string(String)
        case number(Double)
        case strings([String: String])
        case object([String: Field])
    }

    /// Written by the model's JSON writer with sorted keys, as the JSON that
    /// comes back from NATS is: JSONSerialization took about a third of a
    /// graph API PATCH's CPU.
    private init(subject: String, projectID: String, fields: [String: Field]) {
        var fields = fields
        fields["project_id"] = .string(projectID)
        self.subject = subject
        self.projectID = projectID
        var writer = JSONWriter()
        Self.write(.object(fields), into: &writer)
        self.json = writer.bytes
    }

    private static func write(_ field: Field, into writer: inout JSONWriter) {
        switch field {
        case .string(let value): writer.string(value)
        case .number(let value): writer.number(value)
        case .strings(let map): writer.stringMap(map)
        case .object(let object):
            writer.beginObject()
            for key in object.keys.sorted() {
                writer.key(key)
                write(object[key]!, into: &writer)
            }
            writer.endObject()
        }
    }

    package static func nodeCreated(_ entity: Entity) -> GraphEvent {
        GraphEvent(
            subject: "graph.node.created", projectID: entity.namespace ?? "",
            fields: [
                "node_type": .string(entity.kind.rawValue), "node_id": .string(entity.id),
                "label": .string(entity.name),
            ])
    }

    /// `changes` holds the fields whose values differ, each as its new value.
    package static func nodeUpdated(from old: Entity, to new: Entity) -> GraphEvent {
        var changes: [String: Field] = [:]
        if old.name != new.name { changes["label"] = .string(new.name) }
        if old.kind != new.kind { changes["node_type"] = .string(new.kind.rawValue) }
        if old.namespace != new.namespace { changes["namespace"] = .string(new.namespace ?? "") }
        if old.status != new.status { changes["status"] = .string(new.status.rawValue) }
        if old.labels != new.labels { changes["labels"] = .strings(new.labels) }
        if old.health != new.health { changes["health"] = .number(new.health) }
        return GraphEvent(
            subject: "graph.node.updated", projectID: new.namespace ?? "",
            fields: ["node_type": .string(new.kind.rawValue), "node_id": .string(new.id), "changes": .object(changes)])
    }

    package static func nodeDeleted(_ entity: Entity) -> GraphEvent {
        GraphEvent(
            subject: "graph.node.deleted", projectID: entity.namespace ?? "",
            fields: ["node_type": .string(entity.kind.rawValue), "node_id": .string(entity.id)])
    }

    /// An edge belongs to its source node's project.
    package static func edgeCreated(_ connection: Connection, projectID: String) -> GraphEvent {
        GraphEvent(
            subject: "graph.edge.created", projectID: projectID,
            fields: [
                "from_node": .string(connection.sourceID), "to_node": .string(connection.targetID),
                "type": .string(connection.kind.rawValue),
            ])
    }

    package static func edgeDeleted(_ connection: Connection, projectID: String) -> GraphEvent {
        GraphEvent(
            subject: "graph.edge.deleted", projectID: projectID,
            fields: ["from_node": .string(connection.sourceID), "to_node": .string(connection.targetID)])
    }

    package static func invalidated(projectID: String, reason: String) -> GraphEvent {
        GraphEvent(subject: "graph.invalidated", projectID: projectID, fields: ["reason": .string(reason)])
    }
}
