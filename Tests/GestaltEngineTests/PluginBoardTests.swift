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

    @Test func eachCallThatScoresHealthIsOneRunOfTheHealthStage() throws {
        let store = TopologyStore()
        let pods = (0..<50).map { Entity(id: "test:pod/\($0)", kind: .pod, name: "p\($0)", source: "test") }
        store.apply(pods.map { .upsertEntity($0) })
        let first = try #require(store.plugins.report("health"))
        #expect(first.runs == 1, "one run for a batch of 50, not one per entity")
        #expect(try #require(first.lastRun).seconds >= 0)

        // A move scores nothing, and health a source gives is not scored: no run.
        store.apply([.moveEntity(id: pods[0].id, x: 1, y: 2, z: 3)])
        var given = pods[1]
        given.health = 0.2
        store.apply([.upsertEntity(given, health: .given)])
        #expect(store.plugins.report("health")?.runs == 1)

        // A graph API write and an enrichment each score once.
        try store.modify(entityID: pods[2].id) { $0.cpuPercent = 80 }
        #expect(store.plugins.report("health")?.runs == 2)
        store.enrich([.entity(id: pods[3].id, EnrichedMetrics(cpuPercent: 90))])
        #expect(store.plugins.report("health")?.runs == 3)
        #expect(store.plugins.report("health")!.totalSeconds >= store.plugins.report("health")!.lastRun!.seconds)
    }
}
