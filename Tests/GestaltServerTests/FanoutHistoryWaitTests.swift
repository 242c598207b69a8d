import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import Synchronization
import TestPeers
import Testing

/// A resume older than the store's log waits for a history read before its
/// stream opens. While it waits, the client going away or the registry
/// closing it ends the stream at once and cancels the read.
@Suite(.timeLimit(.minutes(1))) struct FanoutHistoryWaitTests {
    /// History whose update reads wait until cancelled, so a test can act
    /// while one is in progress. Only `changes` is ever called by a resume.
    final class StalledHistory: HistoryQueries {
        let reading = Atomic<Bool>(false)
        let cancelled = Atomic<Bool>(false)

        func changes(after: UInt64, through: UInt64, limit: Int) async throws(HistoryError) -> HistoryChanges {
            reading.store(true, ordering: .relaxed)
            do {
                try await Task.sleep(for: .seconds(3_600))
            } catch {
                cancelled.store(true, ordering: .relaxed)
            }
            throw .unavailable("stalled")
        }

        func topology(at point: HistoryPoint) async throws(HistoryError) -> Topology { throw .unavailable("") }
        func metrics(
            entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
        ) async throws(HistoryError) -> [MetricSeries] { [] }
        func events(
            since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int
        ) async throws(HistoryError) -> [InfraEvent] { [] }
        func range() async throws(HistoryError) -> HistoryRange { throw .unavailable("") }
    }

    struct Resume {
        let channel: NIOAsyncTestingChannel
        let fanout: TopologyFanout
        let history: StalledHistory
        let connection: StreamConnection
        let ended: EventLoopFuture<DisconnectReason>
    }

    /// A client resuming from revision 1 of a store whose log kept only the
    /// last few updates, with its history read in progress.
    static func resumeWaitingOnHistory() async throws -> Resume {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = 4
        let store = TopologyStore(configuration: configuration)
        for n in 0..<20 { store.apply([.upsertEntity(entity("p\(n)"))]) }
        let stats = StreamStats()
        let history = StalledHistory()
        let fanout = TopologyFanout(store: store, stats: stats, history: history)
        let registry = StreamRegistry(store: store, stats: stats)
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        let connection = registry.register(
            transport: .sse, channels: [.topology],
            closer: { reason in channel.pipeline.fireUserInboundEventTriggered(FanoutEnd(reason)) })
        let ended = fanout.start(
            filter: .everything, resumeFrom: 1, options: StreamOptions(), channel: channel, connection: connection,
            chunked: true
        ) { buffer in channel.write(buffer, promise: nil) }
        try await waitUntil("the history read started") { history.reading.load(ordering: .relaxed) }
        return Resume(channel: channel, fanout: fanout, history: history, connection: connection, ended: ended)
    }

    @Test func aClientGoneDuringTheReadEndsItsStreamAndCancelsTheRead() async throws {
        let resume = try await Self.resumeWaitingOnHistory()
        try await resume.channel.close().get()
        #expect(try await resume.ended.get() == .clientClosed)
        try await waitUntil("the read was cancelled") { resume.history.cancelled.load(ordering: .relaxed) }
        #expect(resume.fanout.clientCount == 0)
        #expect(try await resume.channel.readOutbound(as: ByteBuffer.self) == nil, "nothing was sent")
    }

    @Test func aRegistryCloseDuringTheReadIsHeard() async throws {
        let resume = try await Self.resumeWaitingOnHistory()
        resume.connection.disconnect(.serverShutdown)
        #expect(try await resume.ended.get() == .serverShutdown)
        try await waitUntil("the read was cancelled") { resume.history.cancelled.load(ordering: .relaxed) }
        // The read's end finds the stream over: no client joins the fan-out.
        await resume.channel.testingEventLoop.run()
        #expect(resume.fanout.clientCount == 0)
        #expect(try await resume.channel.readOutbound(as: ByteBuffer.self) == nil, "nothing was sent")
        try await resume.channel.close().get()
    }
}
