import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@Suite struct PluginBoardTests {
    @Test func pluginsAreListedInPipelineOrderWithTheirLastRun() {
        let board = PluginBoard()
        board.register(PluginMetadata(name: "layout", stage: .layout, capabilities: ["layout"]))
        board.register(
            PluginMetadata(name: "prometheus", stage: .enrichment, capabilities: ["enrich"], instance: "prometheus"))
        board.register(PluginMetadata(name: "nats", stage: .source, capabilities: ["collect"], instance: "nats"))
        board.record("prometheus", PluginRun(seconds: 0.25, warnings: ["3 series matched no entity or connection"]))
        board.record("prometheus", PluginRun(seconds: 0.75))
        #expect(board.all.map(\.metadata.name) == ["nats", "prometheus", "layout"])
        let prometheus = board.report("prometheus")
        #expect(prometheus?.runs == 2)
        #expect(prometheus?.totalSeconds == 1.0)
        #expect(prometheus?.lastRun?.warnings == [], "the last run replaces the one before")
        #expect(board.report("nats")?.lastRun == nil)
    }

    @Test func theStoreListsHealthScoringFromTheStart() {
        let store = TopologyStore()
        #expect(store.plugins.all.map(\.metadata.stage) == [.health])
    }

    @Test func theSupervisorRegistersItsSourceAndRecordsEachRun() async throws {
        let store = TopologyStore()
        let source = SwitchableSource()
        let supervisor = SourceSupervisor(
            source: source, sink: store, store: store, statusBoard: SourceStatusBoard(),
            backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(40), resetAfter: .seconds(60))
        )
        let task = Task { await supervisor.run() }
        defer { task.cancel() }
        try await waitUntil("synced") { store.plugins.report("docker@lab")?.runs == 1 }
        let report = try #require(store.plugins.report("docker@lab"))
        #expect(report.metadata.stage == .source)
        #expect(report.metadata.instance == "docker@lab")
        #expect(report.metadata.capabilities == ["collect"])
        #expect(report.lastRun?.error == nil)

        source.set(up: false)
        try await waitUntil("failed run recorded") { store.plugins.report("docker@lab")?.lastRun?.error != nil }
        #expect(
            store.plugins.report("docker@lab")?.lastRun?.error == "peer unreachable"
                || store.plugins.report("docker@lab")?.lastRun?.error == "peer went away")
        task.cancel()
    }
}
