import Foundation
public import GestaltModel

/// One graph change in the graph seed's format: its NATS subject
/// (`graph.node.created` …, also the SSE event name) and its JSON payload.
/// `project_id` is the entity's namespace ("" for none), so a view filtered
/// to one namespace sees that namespace's changes.
public struct GraphEvent: Sendable, Equatable {
    public static let subjects = [
        "graph.node.created", "graph.node.updated", "graph.node.deleted",
        "graph.edge.created", "graph.edge.deleted", "graph.invalidated",
    ]

    public let subject: String
    public let projectID: String
    public let json: [UInt8]

    /// Takes an event received as bytes (from NATS); nil unless the subject is
    /// one of ours and the payload is a JSON object.
    public init?(subject: String, payload: [UInt8]) {
        guard Self.subjects.contains(subject),
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        else { return nil }
        self.subject = subject
        self.projectID = object["project_id"] as? String ?? ""
        // Re-encoded so a foreign publisher's line breaks cannot split an SSE `data:` line.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        self.json = Array(data)
    }

    private init(subject: String, projectID: String, fields: [String: Any]) {
        var fields = fields
        fields["project_id"] = projectID
        self.subject = subject
        self.projectID = projectID
        // Only strings, numbers and string maps go in, so serialization cannot fail.
        self.json = Array((try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    public static func nodeCreated(_ entity: Entity) -> GraphEvent {
        GraphEvent(subject: "graph.node.created", projectID: entity.namespace ?? "",
                   fields: ["node_type": entity.kind.rawValue, "node_id": entity.id, "label": entity.name])
    }

    /// `changes` holds the fields whose values differ, each as its new value.
    public static func nodeUpdated(from old: Entity, to new: Entity) -> GraphEvent {
        var changes: [String: Any] = [:]
        if old.name != new.name { changes["label"] = new.name }
        if old.kind != new.kind { changes["node_type"] = new.kind.rawValue }
        if old.namespace != new.namespace { changes["namespace"] = new.namespace ?? "" }
        if old.status != new.status { changes["status"] = new.status.rawValue }
        if old.labels != new.labels { changes["labels"] = new.labels }
        if old.health != new.health { changes["health"] = new.health }
        return GraphEvent(subject: "graph.node.updated", projectID: new.namespace ?? "",
                          fields: ["node_type": new.kind.rawValue, "node_id": new.id, "changes": changes])
    }

    public static func nodeDeleted(_ entity: Entity) -> GraphEvent {
        GraphEvent(subject: "graph.node.deleted", projectID: entity.namespace ?? "",
                   fields: ["node_type": entity.kind.rawValue, "node_id": entity.id])
    }

    /// An edge belongs to its source node's project.
    public static func edgeCreated(_ connection: Connection, projectID: String) -> GraphEvent {
        GraphEvent(subject: "graph.edge.created", projectID: projectID,
                   fields: ["from_node": connection.sourceID, "to_node": connection.targetID, "type": connection.kind.rawValue])
    }

    public static func edgeDeleted(_ connection: Connection, projectID: String) -> GraphEvent {
        GraphEvent(subject: "graph.edge.deleted", projectID: projectID,
                   fields: ["from_node": connection.sourceID, "to_node": connection.targetID])
    }

    public static func invalidated(projectID: String, reason: String) -> GraphEvent {
        GraphEvent(subject: "graph.invalidated", projectID: projectID, fields: ["reason": reason])
    }
}
