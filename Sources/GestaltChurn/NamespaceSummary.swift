package import GestaltModel

/// The pods of one namespace counted by phase: what the UI shows per service
/// instead of individual pods while the namespace churns.
///
/// Counts are the sources' current view (a pod the smoother still shows as
/// terminating, but the source has removed, is no longer counted). `ready`
/// counts running pods; `total` also counts pods in other phases (unknown,
/// processing).
package struct NamespaceSummary: Sendable, Hashable {
    package var namespace: String
    /// The namespace entity's id (for events); not part of the wire payload.
    package var namespaceID: String
    package var total: Int
    package var ready: Int
    package var pending: Int
    package var terminating: Int
    package var failed: Int
    /// Whether the namespace is still over its churn threshold.
    package var churning: Bool
    package var podsPerMinute: Double

    package init(
        namespace: String, namespaceID: String, total: Int, ready: Int, pending: Int, terminating: Int, failed: Int,
        churning: Bool, podsPerMinute: Double
    ) {
        self.namespace = namespace
        self.namespaceID = namespaceID
        self.total = total
        self.ready = ready
        self.pending = pending
        self.terminating = terminating
        self.failed = failed
        self.churning = churning
        self.podsPerMinute = podsPerMinute
    }
}

extension NamespaceSummary: JSONWritable {
    /// The `namespace_summary` payload. `churning` and the rate are extra
    /// keys beyond the seed's PodSummary; readers ignore keys they do not know.
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("namespace"); w.string(namespace)
        w.key("total"); w.number(total)
        w.key("ready"); w.number(ready)
        w.key("pending"); w.number(pending)
        w.key("terminating"); w.number(terminating)
        w.key("failed"); w.number(failed)
        w.key("churning"); w.bool(churning)
        w.key("churn_rate_pods_per_minute"); w.number(podsPerMinute)
        w.endObject()
    }
}
