import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltStreaming

/// The one rule every topology stream follows, without a socket: resume
/// from the log, a `full` when the log cannot serve, coalescing in a batch.
@Suite struct TopologyCursorTests {
    private func cursor(
        _ store: TopologyStore, filter: TopologyFilter = .everything, options: StreamOptions = StreamOptions()
    ) -> TopologyCursor {
        TopologyCursor(store: store, filter: filter, options: options, stats: StreamStats())
    }

    @Test func freshClientStartsWithAFull() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a")), .upsertEntity(pod("b"))])
        var reader = cursor(store)
        let opening = reader.start(resumeFrom: nil)
        #expect(!opening.resumed)
        #expect(opening.revision == 2)
        #expect(try opening.messages.map { try kind($0.json) } == ["full"])
        #expect(reader.next().isEmpty, "nothing new after the full")
    }

    @Test func resumeReturnsExactlyWhatWasMissed() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a"))])
        store.apply([.upsertEntity(pod("b")), .upsertEntity(pod("c"))])
        var reader = cursor(store)
        let opening = reader.start(resumeFrom: 1)
        #expect(opening.resumed)
        #expect(opening.messages.map(\.id) == [2, 3])
        #expect(try opening.messages.map { try kind($0.json) } == ["add", "add"])
    }

    @Test func resumeOutsideTheRetainedLogGetsAFull() throws {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = 2
        let store = TopologyStore(configuration: configuration)
        store.apply((0..<5).map { .upsertEntity(pod("p\($0)")) })
        var reader = cursor(store)
        let opening = reader.start(resumeFrom: 1)
        #expect(!opening.resumed)
        #expect(try opening.messages.map { try kind($0.json) } == ["full"])
        #expect(opening.revision == 5)
    }

    @Test func followsChangesInOrder() throws {
        let store = TopologyStore()
        var reader = cursor(store)
        _ = reader.start(resumeFrom: nil)
        store.apply([.upsertEntity(pod("a"))])
        store.apply([.upsertEntity(pod("a", cpu: 90))])
        store.apply([.removeEntity(id: pod("a").id)])
        let batch = reader.next()
        #expect(batch.map(\.id) == [1, 2, 3])
        #expect(try batch.map { try kind($0.json) } == ["add", "update", "remove"])
        #expect(reader.revision == 3)
    }

    @Test func supersededUpdatesOfOneEntityAreCoalesced() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("a")), .upsertEntity(pod("b"))])
        var reader = cursor(store)
        _ = reader.start(resumeFrom: nil)
        for cpu in [30.0, 60, 90] { store.apply([.upsertEntity(pod("a", cpu: cpu))]) }
        store.apply([.upsertEntity(pod("b", cpu: 70))])
        let batch = reader.next()
        // Only a's last update survives: it carries the whole entity.
        #expect(batch.map(\.id) == [5, 6])
        #expect(reader.lastCoalesced == 2)
        let cpu = try object(batch[0].json)["entity"].flatMap { $0 as? [String: Any] }?["cpu_percent"] as? Double
        #expect(cpu == 90)
    }

    @Test func aFilteredViewSeesOnlyItsEntities() throws {
        let store = TopologyStore()
        var reader = cursor(store, filter: TopologyFilter(namespaces: ["bench"]))
        _ = reader.start(resumeFrom: nil)
        store.apply([.upsertEntity(pod("a", namespace: "shop")), .upsertEntity(pod("b", namespace: "bench"))])
        let batch = reader.next()
        #expect(batch.count == 1)
        let entity = try object(batch[0].json)["entity"] as? [String: Any]
        #expect(entity?["namespace"] as? String == "bench")
    }

    @Test func farBehindOnASmallTopologyGetsAFullInsteadOfTheBacklog() throws {
        var configuration = StoreConfiguration()
        configuration.fullReuse = .zero  // else the opening's full would be handed out again
        let store = TopologyStore(configuration: configuration)
        store.apply([.upsertEntity(pod("a"))])
        var options = StreamOptions()
        options.resyncThreshold = 10
        var reader = cursor(store, options: options)
        _ = reader.start(resumeFrom: nil)
        for step in 1...50 { store.apply([.upsertEntity(pod("a", cpu: Double(step % 2 == 0 ? 10 : 90)))]) }
        let batch = reader.next()
        #expect(try batch.map { try kind($0.json) } == ["full"])
        #expect(reader.lastWasResync)
        #expect(reader.revision == store.revision)
        #expect(reader.next().isEmpty)
    }

    /// History's part of a resume is not passed through the view, so only an
    /// unfiltered, unrestricted cursor may take it; any other gets a `full`.
    @Test func recordedBacklogServesOnlyAnUnfilteredView() throws {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = 2
        let store = TopologyStore(configuration: configuration)
        store.apply((0..<5).map { .upsertEntity(pod("p\($0)")) })
        let recorded = RecordedBacklog(
            messages: [.init(id: 2, json: Array("{}".utf8)), .init(id: 3, json: Array("{}".utf8))], through: 3)

        var everything = cursor(store)
        let resumed = everything.start(resumeFrom: 1, recorded: recorded)
        #expect(resumed.resumed)
        #expect(resumed.messages.map(\.id) == [2, 3, 4, 5])

        var filtered = cursor(store, filter: TopologyFilter(namespaces: ["bench"]))
        let opening = filtered.start(resumeFrom: 1, recorded: recorded)
        #expect(!opening.resumed)
        #expect(try opening.messages.map { try kind($0.json) } == ["full"])
    }
}
