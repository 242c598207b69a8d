public import GestaltEngine
public import GestaltModel

/// What one cycle did: the status of the enricher, and the benchmark's figures.
public struct EnrichmentReport: Sendable {
    /// Queries sent (one HTTP request each).
    public var queries: Int
    public var evaluatedAt: Double
    public var failed: [String: PrometheusError] = [:]
    public var series = 0
    /// Series that named no stored entity or connection.
    public var unmatched = 0
    public var notANumber = 0
    public var enrichedEntities = 0
    public var enrichedConnections = 0
    /// Entities whose figures are carried over from an earlier answer.
    public var staleEntities = 0
    /// When the oldest carried-over answer was fetched (unix seconds).
    public var oldestAnswer: Double?
    /// Per kind, the stored entities the queries aim at that got no figure this cycle.
    public var withoutMetrics: [EntityKind: Int] = [:]
    /// Updates the store published for this cycle's overlays.
    public var updates = 0
    public var duration: Duration = .zero
    /// Per query: its series and how many matched nothing.
    public var perQuery: [String: String] = [:]

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
    public var state: SourceStatus.State {
        if failed.isEmpty { return .ready }
        return failed.count == queries ? .error : .degraded
    }

    public var message: String {
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
    public var warnings: [String] {
        var warnings = failed.keys.sorted().map { "query \($0) failed: \(failed[$0]!.description)" }
        if let text = Self.noMetricsWarning(withoutMetrics) { warnings.append(text) }
        if unmatched > 0 { warnings.append("\(unmatched) series matched no entity or connection") }
        if staleEntities > 0 { warnings.append("\(staleEntities) entities kept figures from an earlier answer") }
        return warnings
    }

    /// "3 pods had no metrics", "3 pods and 1 node had no metrics": most first.
    public static func noMetricsWarning(_ counts: [EntityKind: Int]) -> String? {
        let parts = counts.filter { $0.value > 0 }.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
            .map { kind, count in
                let noun = kind.rawValue.split(separator: "_").joined(separator: " ")
                return "\(count) \(count == 1 ? noun : noun.hasSuffix("s") ? noun + "es" : noun + "s")"
            }
        guard let last = parts.last else { return nil }
        let list = parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + " and " + last
        return "\(list) had no metrics"
    }

    public var details: [String: String] {
        var details = perQuery
        for (name, error) in failed { details[name] = error.description }
        details["unmatched_series"] = "\(unmatched)"
        details["series"] = "\(series)"
        details["entities_without_metrics"] = "\(withoutMetrics.values.reduce(0, +))"
        if let oldestAnswer { details["metrics_age_seconds"] = "\(Int((evaluatedAt - oldestAnswer).rounded()))" }
        return details
    }
}
