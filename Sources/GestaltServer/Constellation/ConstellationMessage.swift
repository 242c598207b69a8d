import Foundation
import GestaltModel
import GestaltStreaming

/// The messages of Constellation's `WebSocketMessage` enum (design doc 003)
/// that we send, encoded as serde encodes that enum.
///
/// The enum declares no `#[serde(tag)]`, so serde tags it externally:
/// `{"FullState": {"hierarchy": [...]}}`, and a unit variant is a bare
/// string, `"Pong"`. The same doc's TypeScript hook reads `message.type`,
/// which is serde's internal tagging (`{"type": "FullState", "hierarchy":
/// [...]}`); the two halves of the doc disagree, so a client picks with
/// `?tagging=internal` (default `external`, what the Rust enum produces).
enum ConstellationMessage {
    case fullState(ConstellationHierarchy)
    case resourceAdded(namespace: String, resource: ConstellationHierarchy.Node)
    case resourceUpdated(namespace: String, resource: ConstellationHierarchy.Node)
    case resourceDeleted(namespace: String, name: String, kind: String)
    case relationshipUpdated(namespace: String, hierarchy: ConstellationHierarchy)
    /// From our `namespace_summary` broadcast: `pod_summary` holds its
    /// counts; `individual_pods` is null (the pods come as resources).
    case namespaceSummaryUpdate(namespace: String, podSummary: [(key: String, count: Int)])
    /// From our `high_churn_warning` broadcast.
    case highChurnWarning(namespace: String, affectedServices: [String], churnRate: Double)
    case ping
    case pong

    enum Tagging: String {
        case external, `internal`
    }

    var variant: String {
        switch self {
        case .fullState: "FullState"
        case .resourceAdded: "ResourceAdded"
        case .resourceUpdated: "ResourceUpdated"
        case .resourceDeleted: "ResourceDeleted"
        case .relationshipUpdated: "RelationshipUpdated"
        case .namespaceSummaryUpdate: "NamespaceSummaryUpdate"
        case .highChurnWarning: "HighChurnWarning"
        case .ping: "Ping"
        case .pong: "Pong"
        }
    }

    func json(_ tagging: Tagging) -> [UInt8] {
        var w = JSONWriter()
        switch (self, tagging) {
        case (.ping, .external), (.pong, .external):
            w.string(variant)
            return w.bytes
        case (_, .external):
            w.beginObject()
            w.key(variant)
            w.beginObject()
            writeFields(to: &w)
            w.endObject()
            w.endObject()
        case (_, .internal):
            w.beginObject()
            w.key("type"); w.string(variant)
            writeFields(to: &w)
            w.endObject()
        }
        return w.bytes
    }

    private func writeFields(to w: inout JSONWriter) {
        switch self {
        case .fullState(let hierarchy):
            w.key("hierarchy"); hierarchy.write(to: &w)
        case .resourceAdded(let namespace, let resource), .resourceUpdated(let namespace, let resource):
            w.key("namespace"); w.string(namespace)
            w.key("resource"); resource.write(to: &w)
        case .resourceDeleted(let namespace, let name, let kind):
            w.key("namespace"); w.string(namespace)
            w.key("resource_name"); w.string(name)
            w.key("resource_kind"); w.string(kind)
        case .relationshipUpdated(let namespace, let hierarchy):
            w.key("namespace"); w.string(namespace)
            w.key("hierarchy"); hierarchy.write(to: &w)
        case .namespaceSummaryUpdate(let namespace, let podSummary):
            w.key("namespace"); w.string(namespace)
            w.key("pod_summary"); w.beginObject()
            for (key, count) in podSummary { w.key(key); w.number(count) }
            w.endObject()
            w.key("individual_pods"); w.null()
        case .highChurnWarning(let namespace, let affectedServices, let churnRate):
            w.key("namespace"); w.string(namespace)
            w.key("affected_services"); w.beginArray()
            for service in affectedServices { w.string(service) }
            w.endArray()
            w.key("churn_rate"); w.number(churnRate)
        case .ping, .pong:
            break
        }
    }

    /// Constellation's message for one of our broadcasts (churn notices);
    /// nil for broadcasts it has no variant for.
    static func from(_ broadcast: BroadcastMessage) -> ConstellationMessage? {
        guard let payload = try? JSONValue.object(from: broadcast.payload),
            case .string(let namespace)? = payload["namespace"]
        else { return nil }
        switch broadcast.type {
        case "namespace_summary":
            let counts = ["total", "ready", "pending", "terminating", "failed"].map { key in
                if case .number(let n)? = payload[key], n >= 0, n < 1e9 {
                    (key: key, count: Int(n))
                } else {
                    (key: key, count: 0)
                }
            }
            return .namespaceSummaryUpdate(namespace: namespace, podSummary: counts)
        case "high_churn_warning":
            var services: [String] = []
            if case .array(let items)? = payload["affected_services"] {
                for case .string(let name) in items { services.append(name) }
            }
            guard case .number(let rate)? = payload["churn_rate_pods_per_minute"] else { return nil }
            return .highChurnWarning(namespace: namespace, affectedServices: services, churnRate: rate)
        default:
            return nil
        }
    }

    /// Whether a client's text is Constellation's `Ping` in either tagging.
    static func isPing(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == #""Ping""# { return true }
        guard let fields = try? JSONValue.object(from: Array(trimmed.utf8)) else { return false }
        return fields["type"] == .string("Ping")
    }
}
