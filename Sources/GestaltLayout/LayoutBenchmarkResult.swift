/// Timings of one `LayoutBenchmark` run, in milliseconds.
package struct LayoutBenchmarkResult: Sendable, Hashable {
    package var entities: Int
    package var connections: Int
    /// Loading the graph into an empty layout and placing every entity.
    package var placementMilliseconds: Double
    /// One entry per `step()`, in order.
    package var iterationMilliseconds: [Double]
    /// Entities still moving after the last iteration.
    package var activeEntities: Int
    /// Energy returned by the last iteration.
    package var finalEnergy: Double

    package init(
        entities: Int, connections: Int, placementMilliseconds: Double, iterationMilliseconds: [Double],
        activeEntities: Int, finalEnergy: Double
    ) {
        self.entities = entities
        self.connections = connections
        self.placementMilliseconds = placementMilliseconds
        self.iterationMilliseconds = iterationMilliseconds
        self.activeEntities = activeEntities
        self.finalEnergy = finalEnergy
    }

    package var meanIterationMilliseconds: Double {
        iterationMilliseconds.isEmpty ? 0 : iterationMilliseconds.reduce(0, +) / Double(iterationMilliseconds.count)
    }

    package var medianIterationMilliseconds: Double { percentile(0.5) }
    package var p95IterationMilliseconds: Double { percentile(0.95) }

    /// One line for a terminal or BENCHMARKS.md.
    package var summary: String {
        func ms(_ value: Double) -> String { String(Int((value * 10).rounded())).inserting(decimalAt: 1) }
        return "layout \(entities) entities, \(connections) connections: placement \(ms(placementMilliseconds)) ms, "
            + "\(iterationMilliseconds.count) iterations mean \(ms(meanIterationMilliseconds)) ms, "
            + "median \(ms(medianIterationMilliseconds)) ms, p95 \(ms(p95IterationMilliseconds)) ms, "
            + "\(activeEntities) still moving"
    }

    private func percentile(_ q: Double) -> Double {
        guard !iterationMilliseconds.isEmpty else { return 0 }
        let sorted = iterationMilliseconds.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }
}

extension String {
    /// "1234" with one decimal digit becomes "123.4"; "5" becomes "0.5".
    fileprivate func inserting(decimalAt digits: Int) -> String {
        let negative = hasPrefix("-")
        var body = negative ? String(dropFirst()) : self
        while body.count <= digits { body = "0" + body }
        let cut = body.index(body.endIndex, offsetBy: -digits)
        return (negative ? "-" : "") + body[..<cut] + "." + body[cut...]
    }
}
