import Foundation

/// Checks a server-to-client envelope against its type's required fields.
///
/// The writer calls it in debug builds (so every test checks every message it
/// receives) and tests call it directly; release builds rely on the typed
/// builders that produce each message, so the hot path parses nothing.
public enum WebSocketMessageValidator {
    /// What is wrong with the envelope, or an empty list when it is valid.
    public static func problems(in json: some Collection<UInt8>) -> [String] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else {
            return ["the message is not one JSON object"]
        }
        guard let typeName = object["type"] as? String else { return ["missing string field 'type'"] }
        guard let type = WebSocketMessageType(rawValue: typeName) else { return ["unknown type '\(typeName)'"] }
        var problems: [String] = []
        if !(object["timestamp"] is String) { problems.append("\(typeName): missing string field 'timestamp'") }
        if type.isResumable, !(object["id"] is String) { problems.append("\(typeName): missing string field 'id'") }
        guard let payload = object["payload"] as? [String: Any] else {
            return problems + ["\(typeName): missing object field 'payload'"]
        }
        for key in type.requiredPayloadKeys where payload[key] == nil || payload[key] is NSNull {
            problems.append("\(typeName): payload lacks '\(key)'")
        }
        if type == .topology, let kind = payload["kind"] as? String, let carried = carriedKey(forUpdateKind: kind) {
            // The `delta=patch` form of an `update` carries the entity's id and changed fields instead.
            if kind == "update", payload["op"] as? String == "patch" {
                if !(payload["id"] is String) || !(payload["set"] is [String: Any]) {
                    problems.append("topology update patch: payload lacks string 'id' or object 'set'")
                }
            } else if !(payload[carried] is [String: Any]) {
                problems.append("topology \(kind): payload lacks object '\(carried)'")
            }
        }
        return problems
    }

    /// The object a TopologyUpdate of this kind must carry (PROTOCOL.md).
    static func carriedKey(forUpdateKind kind: String) -> String? {
        switch kind {
        case "full": "topology"
        case "add", "update", "remove": "entity"
        case "conn_add", "conn_update", "conn_remove": "connection"
        default: nil
        }
    }
}
