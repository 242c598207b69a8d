/// Times the layout on a synthetic cluster (`SyntheticTopology`), for
/// `gestalt-bench layout` and BENCHMARKS.md.
///
/// ```swift
/// let result = LayoutBenchmark.run(entities: 10_000, iterations: 50)
/// print(result.summary)
/// ```
package enum LayoutBenchmark {
    /// Builds the graph, loads it into an empty layout, places it, then runs
    /// `iterations` steps, timing each. Every entity is hot at the start, so
    /// the first iterations are the worst case: the whole graph moving.
    package static func run(
        entities: Int, iterations: Int, configuration: LayoutConfiguration = LayoutConfiguration()
    ) -> LayoutBenchmarkResult {
        let graph = SyntheticTopology.make(entities: entities, seed: configuration.seed)
        let clock = ContinuousClock()
        var layout = ForceLayout(configuration: configuration)
        let placement = clock.measure {
            layout.sync(entities: graph.entities, connections: graph.connections)
            layout.placeNewEntities()
        }
        var times: [Double] = []
        times.reserveCapacity(iterations)
        var energy = 0.0
        for _ in 0..<max(iterations, 0) {
            times.append(milliseconds(clock.measure { energy = layout.step() }))
        }
        return LayoutBenchmarkResult(
            entities: layout.count, connections: graph.connections.count,
            placementMilliseconds: milliseconds(placement), iterationMilliseconds: times,
            activeEntities: layout.activeCount, finalEnergy: energy)
    }

    private static func milliseconds(_ duration: Duration) -> Double { duration.seconds * 1000 }
}
