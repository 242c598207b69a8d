import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Testing

@testable import GestaltStreaming

/// Each branch of docs/PROTOCOL.md's slow-client table that the end-to-end
/// suites (WebSocketSlowClientTests, SSEFanoutTests) do not pin exactly,
/// driven on a cursor over a real store.
@Suite(.timeLimit(.minutes(1))) struct SlowClientRuleTests {
    static func kinds(_ messages: [TopologyCursor.Message]) throws -> [String] {
        try messages.map { message in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(message.json)) as? [String: Any])
            return object["kind"] as? String ?? "?"
        }
    }

    static func store(entities count: Int, retained: Int = 10_000, fullReuse: Duration = .zero) -> TopologyStore {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = retained
        configuration.fullReuse = fullReuse
        let store = TopologyStore(configuration: configuration)
        store.apply((0..<count).map { .upsertEntity(entity("p\($0)")) })
        return store
    }

    static func cursor(
        _ store: TopologyStore, threshold: Int = 1000, filter: TopologyFilter = .everything
    ) -> (TopologyCursor, StreamStats) {
        var options = StreamOptions()
        options.resyncThreshold = threshold
        let stats = StreamStats()
        var cursor = TopologyCursor(store: store, filter: filter, options: options, stats: stats)
        _ = cursor.start(resumeFrom: nil)
        return (cursor, stats)
    }

    /// Rule "batch" on the cursor both transports read: 700 updates behind
    /// (fewer than the threshold), it returns exactly the next 512, then the rest.
    @Test func batchIsTheNext512UpdatesPastTheCursor() throws {
        let store = Self.store(entities: 1000)
        var cursor = Self.cursor(store).0
        let start = cursor.revision
        for i in 0..<700 { store.apply([.upsertEntity(entity("p\(i)", cpu: 50))]) }
        #expect(cursor.next().map(\.id) == Array((start + 1)...(start + 512)))
        #expect(cursor.revision == start + 512)
        #expect(cursor.next().map(\.id) == Array((start + 513)...(start + 700)))
        #expect(cursor.next().isEmpty)
    }

    @Test func farBehindGetsAFull() throws {
        let store = Self.store(entities: 2)
        let (start, stats) = Self.cursor(store, threshold: 5)
        var cursor = start
        for i in 1...10 { store.apply([.upsertEntity(entity("p\(i % 2)", cpu: Double(i * 10)))]) }
        let messages = cursor.next()
        #expect(try Self.kinds(messages) == ["full"], "10 behind > 5, and more than the 2 entities")
        #expect(stats.snapshot.resyncs == 1)
        #expect(cursor.revision == store.revision)
    }

    /// A recent full is shared by every resyncing client (`fullReuse`); a
    /// client that already has it replays the log after it instead of
    /// getting the same full again and again.
    @Test func aSharedFullIsNotSentTwice() throws {
        let store = Self.store(entities: 2, fullReuse: .seconds(60))
        let (start, stats) = Self.cursor(store, threshold: 5)
        var cursor = start
        for i in 1...10 { store.apply([.upsertEntity(entity("p\(i % 2)", cpu: Double(i * 10)))]) }
        let messages = cursor.next()
        #expect(try Self.kinds(messages) == ["update", "update"], "the log after the shared full, coalesced")
        #expect(stats.snapshot.resyncs == 0)
        #expect(cursor.revision == store.revision)
    }

    @Test func backlogSmallerThanTheTopologyIsReplayed() throws {
        let store = Self.store(entities: 20)
        let (start, stats) = Self.cursor(store, threshold: 5)
        var cursor = start
        for i in 0..<10 { store.apply([.upsertEntity(entity("p\(i)", cpu: 50))]) }
        #expect(
            try Self.kinds(cursor.next()) == Array(repeating: "update", count: 10),
            "10 behind > 5, but fewer than the 20 entities")
        #expect(stats.snapshot.resyncs == 0)
    }

    @Test func outOfTheWindowGetsAFull() throws {
        let store = Self.store(entities: 20, retained: 5)
        let (start, stats) = Self.cursor(store)
        var cursor = start
        for i in 0..<10 { store.apply([.upsertEntity(entity("p\(i)", cpu: 50))]) }
        #expect(try Self.kinds(cursor.next()) == ["full"])
        #expect(stats.snapshot.resyncs == 1)
    }

    @Test func coalescingKeepsTheLatestUpdateOfAnEntity() throws {
        let store = Self.store(entities: 2)
        let (start, stats) = Self.cursor(store)
        var cursor = start
        for cpu in [20.0, 40, 60] { store.apply([.upsertEntity(entity("p0", cpu: cpu))]) }
        store.apply([.upsertEntity(entity("p1", cpu: 30))])
        let messages = cursor.next()
        #expect(try Self.kinds(messages) == ["update", "update"])
        let first = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].json)) as? [String: Any])
        #expect((first["entity"] as? [String: Any])?["cpu_percent"] as? Double == 60)
        #expect(stats.snapshot.coalesced == 2)
    }

    @Test func coalescingStopsAtAnythingElseAboutTheEntity() throws {
        let store = Self.store(entities: 1)
        var cursor = Self.cursor(store).0
        store.apply([.upsertEntity(entity("p0", cpu: 20))])
        store.apply([.removeEntity(id: entity("p0").id)])
        store.apply([.upsertEntity(entity("p0", cpu: 40))])
        store.apply([.upsertEntity(entity("p0", cpu: 60))])
        #expect(try Self.kinds(cursor.next()) == ["update", "remove", "add", "update"])
    }

    @Test func filteredViewsAreNotCoalesced() throws {
        let store = Self.store(entities: 1)
        let (start, stats) = Self.cursor(store, filter: TopologyFilter(kinds: [.pod]))
        var cursor = start
        for cpu in [20.0, 40, 60] { store.apply([.upsertEntity(entity("p0", cpu: cpu))]) }
        #expect(try Self.kinds(cursor.next()) == ["update", "update", "update"])
        #expect(stats.snapshot.coalesced == 0)
    }
}
