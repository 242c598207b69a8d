package import GestaltEngine
package import GestaltModel

/// What one cycle did: the status of the enricher, and the benchmark's figures.
package struct EnrichmentReport: Sendable {
    /// Queries sent (one HTTP request each).
    package var queries: Int
    package var evaluatedAt: Double
    package var failed: [String: PrometheusError] = [:]
    package var series = 0
    /// Series that named no stored entity or connection.
    package var unmatched = 0
    package var notANumber = 0
    package var enrichedEntities = 0
    package var enrichedConnections = 0
    /// Entities whose figures are carried over from an earlier answer.
    package var staleEntities = 0
    /// When the oldest carried-over answer was fetched (unix seconds).
    package var oldestAnswer: Double?
    /// Per kind, the stored entities the queries aim at that got no figure this cycle.
    package var withoutMetrics: [EntityKind: Int] = [:]
    /// Updates the store published for this cycle's overlays.
    package var updates = 0
    package var duration: Duration = .zero
    /// Per query: its series and how many matched nothing.
    package var perQuery: [String: String] = [:]

    init(queries: Int, evaluatedAt: Double) {
        self.queries = queries
        self.evaluatedAt = evaluatedAt
    }

    mutating func add(_ name: String, _ outcome: QueryOutcome) {
        series += outcome.series
        unmatched += outcome.unmatched
        notANumber += outcome.notANumber
        var line = "\(outcome.series) series, \(outcome.values.count) matched, \(outcome.unmatched) unmatched"
        if outcome.notANumber > 0 { line += ", \(outcome.notANumber) not a number" }
        perQuery[name] = line
    }

    /// Every query failed: an error. Some failed: degraded. None: ready.
    package var state: SourceStatus.State {
        if failed.isEmpty { return .ready }
        return failed.count == queries ? .error : .degraded
    }

    package var message: String {
        if state == .error, let first = failed.values.map(\.description).min() {
            return staleEntities > 0 ? "\(first); keeping the last figures of \(staleEntities) entities" : first
        }
        var text =
            "\(enrichedEntities) entities and \(enrichedConnections) connections enriched by \(queries - failed.count) of \(queries) queries"
        if unmatched > 0 { text += "; \(unmatched) series matched nothing" }
        return text
    }

    /// Soft failures for the plugin inspector: failed queries, entities the
    /// queries aim at that got no metrics, series that matched nothing,
    /// entities whose figures are carried over.
    package var warnings: [String] {
        var warnings = failed.keys.sorted().map { "query \($0) failed: \(failed[$0]!.description)" }
        if let text = Self.noMetricsWarning(withoutMetrics) { warnings.append(text) }
        if unmatched > 0 { warnings.append("\(unmatched) series matched no entity or connection") }
        if staleEntities > 0 { warnings.append("\(staleEntities) entities kept figures from an earlier answer") }
        return warnings
    }

    /// "3 pods had no metrics", "3 pods and 1 node had no metrics": most first.
    package static func noMetricsWarning(_ counts: [EntityKind: Int]) -> String? {
        let parts = counts.filter { $0.value > 0 }.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
            .map { kind, count in
                let noun = kind.rawValue.split(separator: "_").joined(separator: " ")
                return "\(count) \(count == 1 ? noun : noun.hasSuffix("s") ? noun + "es" : noun + "s")"
            }
        guard let last = parts.last else { return nil }
        let list = parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + " and " + last
        return "\(list) had no metrics"
    }

    package var details: [String: String] {
        var details = perQuery
        for (name, error) in failed { details[name] = error.description }
        details["unmatched_series"] = "\(unmatched)"
        details["series"] = "\(series)"
        details["entities_without_metrics"] = "\(withoutMetrics.values.reduce(0, +))"
        if let oldestAnswer { details["metrics_age_seconds"] = "\(Int((evaluatedAt - oldestAnswer).rounded()))" }
        return details
    }
}
