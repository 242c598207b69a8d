import Foundation

/// The churn of one namespace: its pod counts, the pod additions and
/// removals of the recent window, and whether it is churning.
struct NamespaceChurn: Sendable {
    private struct Turnover: Sendable {
        var at: ContinuousClock.Instant
        /// The pod's `app` label: the service it belongs to.
        var service: String?
    }

    struct Hot: Sendable {
        var lastSummaryAt: ContinuousClock.Instant
        var podsPerMinute: Double
        var warning: HighChurnWarning
    }

    let namespace: String
    let namespaceID: String
    var tally = PodTally()
    var hot: Hot?
    /// Oldest first; trimmed to the churn window on every evaluation.
    private var turnover: [Turnover] = []

    init(namespace: String, podID: String) {
        self.namespace = namespace
        self.namespaceID = Self.namespaceID(namespace: namespace, podID: podID)
    }

    /// Nothing left to count or report: the entry can go.
    var isIdle: Bool { tally.total == 0 && turnover.isEmpty && hot == nil }

    /// Notes one pod added or removed.
    mutating func note(at instant: ContinuousClock.Instant, service: String?) {
        turnover.append(Turnover(at: instant, service: service))
    }

    /// Drops what left the window, then gives the rate in pods per minute.
    mutating func rate(now: ContinuousClock.Instant, window: Duration) -> Double {
        let start = now - window
        if let kept = turnover.firstIndex(where: { $0.at > start }) {
            turnover.removeFirst(kept)
        } else {
            turnover.removeAll()
        }
        return Double(turnover.count) * (Duration.seconds(60) / window)
    }

    /// The services whose pods turned over within the window, sorted.
    var affectedServices: [String] {
        Set(turnover.compactMap(\.service)).sorted()
    }

    func summary(churning: Bool, podsPerMinute: Double) -> NamespaceSummary {
        NamespaceSummary(
            namespace: namespace, namespaceID: namespaceID, total: tally.total, ready: tally.running,
            pending: tally.pending, terminating: tally.terminating, failed: tally.failed,
            churning: churning, podsPerMinute: podsPerMinute
        )
    }

    /// The namespace entity's id in the pods' id scheme: `k8s@prod:pod/shop/x`
    /// gives `k8s@prod:namespace/shop`, so events point at the right cluster.
    private static func namespaceID(namespace: String, podID: String) -> String {
        if let marker = podID.range(of: ":pod/") {
            return String(podID[..<marker.lowerBound]) + ":namespace/" + namespace
        }
        return "k8s:namespace/" + namespace
    }
}
