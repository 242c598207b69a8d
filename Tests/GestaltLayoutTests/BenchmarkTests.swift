import GestaltLayout
import GestaltModel
import Testing

@Suite("LayoutBenchmark")
struct BenchmarkTests {
    @Test("the synthetic cluster has the size asked for, namespaces and connections")
    func syntheticSize() {
        let graph = SyntheticTopology.make(entities: 2500)
        #expect(graph.entities.count == 2500)
        #expect(Set(graph.entities.map(\.id)).count == 2500)
        #expect(graph.entities.filter { $0.kind == .namespace }.count == 2)
        let ids = Set(graph.entities.map(\.id))
        #expect(graph.connections.allSatisfy { ids.contains($0.sourceID) && ids.contains($0.targetID) })
        #expect(graph.connections.count > 2500)
    }

    @Test("a small run reports one timing per iteration")
    func smallRun() {
        let result = LayoutBenchmark.run(entities: 300, iterations: 3)
        #expect(result.entities == 300)
        #expect(result.iterationMilliseconds.count == 3)
        #expect(result.summary.contains("300 entities"))
    }
}
