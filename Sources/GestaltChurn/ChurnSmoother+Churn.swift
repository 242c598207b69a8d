/// Churn detection (solution 4): a namespace whose pods turn over faster
/// than the threshold is summarised instead of shown pod by pod.
extension ChurnSmoother {
    /// Updates every namespace's rate and returns what changed: a warning and
    /// a summary when one starts churning, a summary every `summaryInterval`
    /// while it churns, a calm notice when it stops.
    mutating func evaluateChurn(now: ContinuousClock.Instant) -> [ChurnNotice] {
        guard !namespaces.isEmpty else { return [] }
        var notices: [ChurnNotice] = []
        for name in namespaces.keys.sorted() {
            guard var churn = namespaces[name] else { continue }
            let rate = churn.rate(now: now, window: configuration.churnWindow)
            if var hot = churn.hot {
                if rate < configuration.calmThreshold {
                    churn.hot = nil
                    notices.append(.churnCalmed(churn.summary(churning: false, podsPerMinute: rate)))
                } else {
                    hot.podsPerMinute = rate
                    hot.warning.podsPerMinute = rate
                    hot.warning.affectedServices = churn.affectedServices
                    if hot.lastSummaryAt + configuration.summaryInterval <= now {
                        hot.lastSummaryAt = now
                        notices.append(.namespaceSummary(churn.summary(churning: true, podsPerMinute: rate)))
                    }
                    churn.hot = hot
                }
            } else if rate > configuration.churnThreshold {
                let warning = HighChurnWarning(
                    namespace: name, namespaceID: churn.namespaceID,
                    affectedServices: churn.affectedServices, podsPerMinute: rate
                )
                churn.hot = NamespaceChurn.Hot(lastSummaryAt: now, podsPerMinute: rate, warning: warning)
                notices.append(.highChurnWarning(warning))
                notices.append(.namespaceSummary(churn.summary(churning: true, podsPerMinute: rate)))
            }
            namespaces[name] = churn.isIdle ? nil : churn
        }
        return notices
    }
}
