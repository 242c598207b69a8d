import GestaltEngine

extension EnrichedMetrics {
    /// These figures, with every custom metric that moved by less than 5 %
    /// (and 0.01) since `laid` kept at its laid value. The store weighs CPU
    /// and memory against its thresholds, but takes any change of a custom
    /// metric as meaningful; without this a network rate that wobbles in
    /// its last digits would publish an update for every pod every cycle.
    func steadied(against laid: EnrichedMetrics?) -> EnrichedMetrics {
        guard let laid else { return self }
        var result = self
        for (key, value) in customMetrics {
            guard let old = laid.customMetrics[key], key != EnrichmentCycle.asOfKey else { continue }
            if abs(value - old) <= max(0.05 * max(abs(value), abs(old)), 0.01) { result.customMetrics[key] = old }
        }
        return result
    }
}
