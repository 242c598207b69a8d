import Foundation

/// Checks a server-to-client envelope against its type's required fields.
///
/// Job-channel messages are checked in every build, once each where they are
/// made (GestaltServer's `JobChannelGate`): they are few, and an invalid one is
/// dropped and logged instead of reaching clients. The writers also check every
/// message in debug builds (so every test checks every message it receives);
/// in release the topology deltas rely on the typed builders that produce them,
/// so the hot path of the fan-out parses nothing.
package enum WebSocketMessageValidator {
    /// The `status` values of a `plugin_status` message (seed 004; `Job.PluginStatus`).
    package static let pluginStatuses: Set<String> = ["started", "running", "completed", "failed"]

    /// What is wrong with the envelope, or an empty list when it is valid.
    package static func problems(in json: some Collection<UInt8>) -> [String] {
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
        switch type {
        case .progress:
            if let progress = payload["progress"], !(progress is NSNull),
                !((progress as? NSNumber).map { (0...100).contains($0.doubleValue) } ?? false)
            {
                problems.append("progress: 'progress' must be a number from 0 to 100, not \(progress)")
            }
        case .pluginStatus:
            if let status = payload["status"], !(status is NSNull),
                !((status as? String).map(pluginStatuses.contains) ?? false)
            {
                problems.append(
                    "plugin_status: 'status' must be one of \(pluginStatuses.sorted().joined(separator: ", ")), not \(status)"
                )
            }
        default: break
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
