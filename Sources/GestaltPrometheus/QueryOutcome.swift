import GestaltEngine
import GestaltModel

/// What one query gave in one cycle, matched to the store: its values by
/// target, and the series that named nothing stored.
struct QueryOutcome: Sendable {
    enum TargetID: Sendable, Hashable {
        case entity(String)
        case connection(String)
    }

    var values: [TargetID: Double] = [:]
    var series = 0
    /// Series naming no stored entity or connection (or lacking a label the template needs).
    var unmatched = 0
    /// NaN or ±Inf values (a quantile or ratio over no requests), left out.
    var notANumber = 0

    /// Matches each sample to its target through the store's current contents.
    init(
        samples: [VectorSample], query: EnrichmentQuery, kubernetesPrefix: String,
        entity: (String) -> Entity?, connection: (String) -> Connection?
    ) {
        series = samples.count
        for sample in samples {
            guard sample.value.isFinite else {
                notANumber += 1
                continue
            }
            guard
                let target = Self.target(
                    of: sample, query: query, prefix: kubernetesPrefix, entity: entity, connection: connection)
            else {
                unmatched += 1
                continue
            }
            // Two series on one target (a query that aggregates too little): they add up, as `sum` would.
            values[target, default: 0] += sample.value
        }
    }

    private static func target(
        of sample: VectorSample, query: EnrichmentQuery, prefix: String,
        entity: (String) -> Entity?, connection: (String) -> Connection?
    ) -> TargetID? {
        switch query.target {
        case .entity(let kind, let template):
            guard let id = template.render(sample.labels, kubernetesPrefix: prefix), entity(id)?.kind == kind else {
                return nil
            }
            return .entity(id)
        case .connection(let sourceTemplate, let targetTemplate, let kinds):
            guard query.field.appliesToConnections,
                let source = sourceTemplate.render(sample.labels, kubernetesPrefix: prefix),
                let target = targetTemplate.render(sample.labels, kubernetesPrefix: prefix)
            else { return nil }
            for kind in kinds {
                let id = Connection.id(source: source, target: target, kind: kind)
                if connection(id) != nil { return .connection(id) }
            }
            return nil
        }
    }
}
