import ArgumentParser
import GestaltLayout

/// Times the 3D force layout on a synthetic graph.
struct LayoutBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout", abstract: "Time the Barnes-Hut layout at N entities (10k and 100k in docs).")

    @Option(help: "Entity counts, comma-separated.") var entities = "10000,100000"
    @Option(help: "Iterations to time at each size.") var iterations = 20

    func run() {
        for count in entities.split(separator: ",").compactMap({ Int($0) }) {
            print(LayoutBenchmark.run(entities: count, iterations: iterations).summary)
        }
    }
}
