import GestaltChurn
import GestaltEngine
import GestaltModel
import Synchronization
import TestPeers
import Testing

/// Collects what a pipeline hands to its sink.
final class NoticeLog: Sendable {
    private let notices = Mutex<[ChurnNotice]>([])

    func append(_ notice: ChurnNotice) { notices.withLock { $0.append(notice) } }
    var all: [ChurnNotice] { notices.withLock { $0 } }
}

@Suite struct PipelineTests {
    @Test func churnIsRecordedAsEventsAndHandedToTheSink() throws {
        let store = TopologyStore()
        let log = NoticeLog()
        let pipeline = ChurnPipeline(store: store) { log.append($0) }
        let clock = TestClock()
        for i in 0..<40 {
            pipeline.apply(
                [.upsertEntity(pod("web-\(i)", status: .pending)), .upsertEntity(pod("web-\(i)"))],
                at: clock.at(ms: i * 50))
        }
        pipeline.tick(at: clock.at(ms: 2500))
        #expect(store.entityCount == 40)

        let hot = try #require(store.events(limit: 10).first)
        #expect(hot.reason == "HighChurn")
        #expect(hot.severity == .warning)
        #expect(hot.entityID == "k8s:namespace/shop")
        #expect(hot.entityKind == .namespace)
        #expect(log.all.contains { $0.messageType == "high_churn_warning" })
        #expect(pipeline.activeNotices().count == 2)

        pipeline.tick(at: clock.at(ms: 70_000))
        let calm = try #require(store.events(limit: 10).first)
        #expect(calm.reason == "ChurnCalmed")
        #expect(calm.severity == .info)
        #expect(store.events(limit: 10).count == 2, "summaries are not recorded")
        #expect(log.all.last.map { if case .churnCalmed = $0 { true } else { false } } == true)
    }

    @Test func withEverythingOffChangesReachTheStoreBeforeApplyReturns() {
        let store = TopologyStore()
        let pipeline = ChurnPipeline(store: store, configuration: .passThrough)
        let result = pipeline.apply([.upsertEntity(pod("web-1", status: .pending))])
        #expect(result.updates.map(\.kind) == [.add])
        #expect(store.entity(id: pod("web-1").id)?.status == .pending)
        pipeline.apply([.removeEntity(id: pod("web-1").id)])
        #expect(store.entityCount == 0)
    }

    @Test func runTicksUntilCancelled() async throws {
        let store = TopologyStore()
        var configuration = ChurnConfiguration()
        configuration.debounceWindow = .milliseconds(10)
        configuration.tickInterval = .milliseconds(5)
        let pipeline = ChurnPipeline(store: store, configuration: configuration)
        let task = Task { await pipeline.run() }
        pipeline.apply([.upsertEntity(service("api"))])
        try await waitUntil("a tick hands the change to the store") { store.entityCount == 1 }
        task.cancel()
        await task.value
        #expect(store.entityCount == 1)
    }
}

@Suite struct ChangeSinkTests {
    @Test func theStoreAndThePipelineAreBothSinks() {
        let store = TopologyStore()
        let sinks: [any ChangeSink] = [store, ChurnPipeline(store: store, configuration: .passThrough)]
        for (i, sink) in sinks.enumerated() {
            sink.apply([.upsertEntity(service("api-\(i)"))], now: .now())
            sink.record(
                InfraEvent(
                    type: "Normal", reason: "Test", message: "m", entityID: "e", entityKind: .service, entityName: "e",
                    severity: .info
                ))
        }
        #expect(store.entityCount == 2)
        #expect(store.eventSeq == 2)
    }

    /// The conformance adds no overload: plain calls on the store, in a
    /// module that imports GestaltChurn, still mean the store's own methods.
    @Test func theStoresOwnMethodsAreUnchanged() {
        let store = TopologyStore()
        let result = store.apply([.upsertEntity(service("api"))])
        #expect(result.updates.count == 1)
        let recorded = store.record(
            InfraEvent(
                type: "Normal", reason: "Test", message: "m", entityID: "e", entityKind: .service, entityName: "e",
                severity: .info
            ))
        #expect(recorded.seq == 1)
    }
}
