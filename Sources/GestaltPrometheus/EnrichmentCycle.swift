import Foundation
import GestaltEngine
import GestaltModel

/// One round of queries and the overlays they make, with what it remembers
/// between rounds: each query's last good answer, so a failed query keeps its
/// figures (marked with their age) instead of dropping them, and the overlays
/// last laid, so only the changed ones go to the store.
package struct EnrichmentCycle: Sendable {
    /// The custom metric, on an entity whose figures are carried over from a
    /// failed query, holding the unix time (seconds) of the answer they came from.
    package static let asOfKey = "prometheus_as_of_seconds"

    package let configuration: PrometheusEnrichmentConfiguration
    private let client: PrometheusQueryClient
    private var lastGood: [String: (outcome: QueryOutcome, at: Double)] = [:]
    private var laid: [QueryOutcome.TargetID: Enrichment] = [:]

    package init(configuration: PrometheusEnrichmentConfiguration, client: PrometheusQueryClient) {
        self.configuration = configuration
        self.client = client
    }

    /// Runs every query once, all at the same evaluation time, and lays the result on `target`.
    package mutating func run(
        on target: some EnrichmentTarget, now: Double = Date().timeIntervalSince1970
    ) async -> EnrichmentReport {
        let started = ContinuousClock.now
        let answers = await fetchAll(at: now)
        var report = EnrichmentReport(queries: configuration.queries.count, evaluatedAt: now)
        var metrics: [String: EnrichedMetrics] = [:]
        var traffic: [String: EnrichedTraffic] = [:]
        var asOf: [String: Double] = [:]
        for (index, query) in configuration.queries.enumerated() {
            let outcome: QueryOutcome
            let fresh: Bool
            switch answers[index] {
            case .success(let samples):
                outcome = QueryOutcome(
                    samples: samples, query: query, kubernetesPrefix: configuration.kubernetesPrefix,
                    entity: target.entity(id:), connection: target.connection(id:)
                )
                lastGood[query.name] = (outcome, now)
                fresh = true
                report.add(query.name, outcome)
            case .failure(let error):
                report.failed[query.name] = error
                guard let last = lastGood[query.name] else { continue }
                outcome = last.outcome
                fresh = false
                report.oldestAnswer = min(report.oldestAnswer ?? last.at, last.at)
            }
            let answeredAt = lastGood[query.name]?.at ?? now
            for (id, value) in outcome.values {
                switch id {
                case .entity(let id):
                    query.field.set(value, on: &metrics[id, default: EnrichedMetrics()])
                    if !fresh { asOf[id] = min(asOf[id] ?? answeredAt, answeredAt) }
                case .connection(let id):
                    query.field.set(value, on: &traffic[id, default: EnrichedTraffic()])
                }
            }
        }
        for (id, time) in asOf { metrics[id]?.customMetrics[Self.asOfKey] = time }
        report.withoutMetrics = withoutMetrics(metrics, on: target)
        report.updates = lay(metrics: metrics, traffic: traffic, on: target)
        report.enrichedEntities = metrics.count
        report.enrichedConnections = traffic.count
        report.staleEntities = asOf.count
        report.duration = ContinuousClock.now - started
        return report
    }

    /// Per kind, the stored entities the entity queries aim at (their kind, ids
    /// beginning as their template's do) that this cycle gives no figure:
    /// "3 pods had no metrics". One walk of the store per cycle, by id only.
    private func withoutMetrics(
        _ metrics: [String: EnrichedMetrics], on target: some EnrichmentTarget
    ) -> [EntityKind: Int] {
        var heads: [EntityKind: Set<String>] = [:]
        for query in configuration.queries {
            guard case .entity(let kind, let template) = query.target else { continue }
            heads[kind, default: []].insert(template.head(kubernetesPrefix: configuration.kubernetesPrefix))
        }
        guard !heads.isEmpty else { return [:] }
        var missing: [EntityKind: Int] = [:]
        for (kind, ids) in target.entityIDs(of: Set(heads.keys)) {
            let prefixes = heads[kind] ?? []
            let count = ids.count { id in metrics[id] == nil && prefixes.contains { id.hasPrefix($0) } }
            if count > 0 { missing[kind] = count }
        }
        return missing
    }

    /// Sends the overlays that changed since the last cycle, and clears those
    /// whose series are gone; returns the number of updates the store published.
    private mutating func lay(
        metrics: [String: EnrichedMetrics], traffic: [String: EnrichedTraffic], on target: some EnrichmentTarget
    ) -> Int {
        var wanted: [QueryOutcome.TargetID: Enrichment] = [:]
        for (id, value) in metrics {
            var previous: EnrichedMetrics?
            if case .entity(_, let laidMetrics) = laid[.entity(id)] { previous = laidMetrics }
            wanted[.entity(id)] = .entity(id: id, value.steadied(against: previous))
        }
        for (id, value) in traffic { wanted[.connection(id)] = .connection(id: id, value) }
        var changes: [Enrichment] = []
        for (key, enrichment) in wanted where laid[key] != enrichment { changes.append(enrichment) }
        for key in laid.keys where wanted[key] == nil {
            switch key {
            case .entity(let id): changes.append(.entity(id: id, nil))
            case .connection(let id): changes.append(.connection(id: id, nil))
            }
        }
        guard !changes.isEmpty else { return 0 }
        let result = target.enrich(changes, now: .now())
        // What vanished from the store since it was matched has no overlay to keep track of.
        for missing in result.missing {
            switch missing {
            case .entity(let id, _): wanted.removeValue(forKey: .entity(id))
            case .connection(let id, _): wanted.removeValue(forKey: .connection(id))
            }
        }
        laid = wanted
        return result.updates.count
    }

    private func fetchAll(at time: Double) async -> [Result<[VectorSample], PrometheusError>] {
        await withTaskGroup(of: (Int, Result<[VectorSample], PrometheusError>).self) { group in
            for (index, query) in configuration.queries.enumerated() {
                group.addTask { [client] in
                    // The answer is built apart from the returned pair: returning the
                    // pair from inside a typed-throws `do`/`catch` crashed a release build.
                    let answer: Result<[VectorSample], PrometheusError>
                    do {
                        answer = .success(try await client.query(query.promQL, at: time))
                    } catch {
                        answer = .failure(error as? PrometheusError ?? .unreachable(String(reflecting: error)))
                    }
                    return (index, answer)
                }
            }
            var answers = [Result<[VectorSample], PrometheusError>](
                repeating: .success([]), count: configuration.queries.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }
}
