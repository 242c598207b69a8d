import GestaltLayout
import Testing

@Suite("MoveBudget")
struct MoveBudgetTests {
    @Test("never more than the rate allows over simulated time")
    func boundedRate() {
        var budget = MoveBudget(ratePerSecond: 200, tick: .milliseconds(50))
        var layout = ForceLayout()
        let graph = TestGraph.make(namespaces: 10, deployments: 10, pods: 8)
        layout.sync(entities: graph.entities, connections: graph.connections)
        var published = 0
        // Two simulated seconds in 50 ms ticks, with far more moves waiting than allowed.
        for _ in 0..<40 {
            layout.step()
            budget.refill(elapsed: .milliseconds(50))
            let moves = layout.movesToPublish(limit: budget.available)
            budget.spend(moves.count)
            published += moves.count
        }
        #expect(layout.pendingMoveCount > 0)
        #expect(published <= 2 * 200 + 10)
        #expect(published >= 2 * 200 - 10)
    }

    @Test("a long quiet spell does not bank a burst")
    func noBurstAfterIdle() {
        var budget = MoveBudget(ratePerSecond: 300, tick: .milliseconds(50))
        budget.spend(budget.available)
        budget.refill(elapsed: .seconds(3600))
        #expect(budget.available == 15)
    }

    @Test("a zero rate publishes nothing")
    func zeroRate() {
        var budget = MoveBudget(ratePerSecond: 0, tick: .milliseconds(50))
        budget.refill(elapsed: .seconds(10))
        #expect(budget.available == 0)
    }
}
