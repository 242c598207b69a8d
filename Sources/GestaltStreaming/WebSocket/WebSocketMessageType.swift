/// The envelope `type`s of PROTOCOL.md's WebSocket section, server to client.
package enum WebSocketMessageType: String, Sendable, Hashable, CaseIterable {
    case subscribed
    case topology
    case event
    case namespaceSummary = "namespace_summary"
    case highChurnWarning = "high_churn_warning"
    /// An alert that fired or resolved (docs/ALERTS.md).
    case alert
    case progress
    case pluginStatus = "plugin_status"
    case frame
    case partialResult = "partial_result"
    case warning
    case error
    case metadata
    case ping
    case pong

    /// Keys the payload must hold. `topology` and `event` are checked
    /// further by `WebSocketMessageValidator` (their `kind` decides).
    package var requiredPayloadKeys: [String] {
        switch self {
        case .subscribed: ["channels"]
        case .topology: ["kind", "revision", "timestamp"]
        case .event: ["id", "seq", "type", "reason", "message", "entity_id", "timestamp", "severity"]
        case .namespaceSummary: ["namespace", "total", "ready", "pending", "terminating", "failed"]
        case .highChurnWarning: ["namespace", "affected_services", "churn_rate_pods_per_minute"]
        case .alert: ["id", "rule", "severity", "subject", "summary", "state"]
        case .progress: ["job_id", "progress"]
        case .pluginStatus: ["plugin", "status"]
        case .frame, .partialResult: ["job_id"]
        case .warning: ["message"]
        case .error: ["code", "message"]
        case .metadata, .ping, .pong: []
        }
    }

    /// Whether the envelope carries an `id` a client can resume from.
    package var isResumable: Bool { self == .topology || self == .event }
}
