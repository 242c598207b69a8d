import GestaltModel

/// The graph seed's request bodies (design doc 002: `{"project_id": 1,
/// "type": "file", "label": "test.py"}` for a node, `from_node`, `to_node`,
/// `edge_type` for an edge) rewritten onto our field names, so its client
/// works unchanged. Our own names win when a body has both; a seed `type`
/// that is not one of our kinds becomes kind `custom` and is kept as the
/// label `node_type` (our own `kind` field stays strict: an unknown kind is 400).
enum GraphBodyAliases {
    static func node(_ body: [String: JSONValue]) -> [String: JSONValue] {
        var body = body
        var labels: [String: JSONValue] = [:]
        if body["name"] == nil, let label = body["label"] { body["name"] = label }
        if body["id"] == nil, let id = body["node_id"] { body["id"] = id }
        if body["kind"] == nil, let type = body["node_type"] ?? body["type"] {
            if case .string(let text) = type, EntityKind(rawValue: text) == nil {
                body["kind"] = .string(EntityKind.custom.rawValue)
                labels["node_type"] = type
            } else {
                body["kind"] = type
            }
        }
        if let project = body["project_id"] {
            switch project {
            case .string: labels["project_id"] = project
            case .number(let n):
                labels["project_id"] = .string(n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n))
            default: break
            }
        }
        if !labels.isEmpty {
            // Only into a labels object (or none): a mistyped `labels` keeps its own 400.
            switch body["labels"] {
            case nil, .null?: body["labels"] = .object(labels)
            case .object(let given)?: body["labels"] = .object(labels.merging(given) { _, ours in ours })
            default: break
            }
        }
        return body
    }

    static func edge(_ body: [String: JSONValue]) -> [String: JSONValue] {
        var body = body
        if body["source_id"] == nil, let from = body["from_node"] ?? body["from"] { body["source_id"] = from }
        if body["target_id"] == nil, let to = body["to_node"] ?? body["to"] { body["target_id"] = to }
        if body["kind"] == nil, let type = body["edge_type"] ?? body["type"] {
            // The seed's edge types are its own words ("imports", "calls"): a
            // dependency is what they all say.
            if case .string(let text) = type, ConnectionKind(rawValue: text) == nil {
                body["kind"] = .string(ConnectionKind.depends.rawValue)
            } else {
                body["kind"] = type
            }
        }
        return body
    }
}
