package import GestaltModel

/// Something the churn detector tells clients about a namespace.
///
/// On the WebSocket each notice is `{"type": messageType, "payload": <this
/// value's JSON>}`. Calming down is a `namespace_summary` with `"churning":
/// false`, so the wire keeps to PROTOCOL.md's message types.
package enum ChurnNotice: Sendable, Hashable {
    /// The pod counts of a churning namespace; repeated while it churns.
    case namespaceSummary(NamespaceSummary)
    /// The namespace went over its churn threshold.
    case highChurnWarning(HighChurnWarning)
    /// The namespace's churn dropped below the calm threshold; the summary
    /// carries its final counts with `churning == false`.
    case churnCalmed(NamespaceSummary)

    /// The WebSocket message type (PROTOCOL.md).
    package var messageType: String {
        switch self {
        case .namespaceSummary, .churnCalmed: "namespace_summary"
        case .highChurnWarning: "high_churn_warning"
        }
    }

    package var namespace: String {
        switch self {
        case .namespaceSummary(let summary), .churnCalmed(let summary): summary.namespace
        case .highChurnWarning(let warning): warning.namespace
        }
    }
}

extension ChurnNotice: JSONWritable {
    /// The message payload (without the envelope).
    package func write(to w: inout JSONWriter) {
        switch self {
        case .namespaceSummary(let summary), .churnCalmed(let summary): summary.write(to: &w)
        case .highChurnWarning(let warning): warning.write(to: &w)
        }
    }
}
