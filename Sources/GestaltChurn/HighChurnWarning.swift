package import GestaltModel

/// A namespace started churning: the services whose pods come and go, and how fast.
///
/// Affected services are named by the `app` label of the pods that were
/// added or removed within the churn window (Kubernetes' convention, and the
/// simulator's: a Service selects `app=<name>`). Pods without that label
/// count toward the rate but name no service.
package struct HighChurnWarning: Sendable, Hashable {
    package var namespace: String
    /// The namespace entity's id (for events); not part of the wire payload.
    package var namespaceID: String
    /// Sorted, without duplicates.
    package var affectedServices: [String]
    package var podsPerMinute: Double

    package init(namespace: String, namespaceID: String, affectedServices: [String], podsPerMinute: Double) {
        self.namespace = namespace
        self.namespaceID = namespaceID
        self.affectedServices = affectedServices
        self.podsPerMinute = podsPerMinute
    }
}

extension HighChurnWarning: JSONWritable {
    /// The `high_churn_warning` payload.
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("namespace"); w.string(namespace)
        w.key("affected_services")
        w.beginArray()
        for service in affectedServices { w.string(service) }
        w.endArray()
        w.key("churn_rate_pods_per_minute"); w.number(podsPerMinute)
        w.endObject()
    }
}
