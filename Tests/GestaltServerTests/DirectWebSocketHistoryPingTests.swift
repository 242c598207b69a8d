import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import GestaltServer

/// A resume older than the store's log reads history off the loop; a ping
/// sent meanwhile gets its pong at once, not after the read. On a
/// `NIOAsyncTestingChannel` (the read completes from another thread) with a
/// history that answers only when the test opens it.
@Suite(.timeLimit(.minutes(1))) struct DirectWebSocketHistoryPingTests {
    @Test func aPingIsAnsweredWhileAResumeReadsHistory() async throws {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = 2
        let store = TopologyStore(configuration: configuration)
        for i in 0..<5 { store.apply([.upsertEntity(entity("pod-\(i)"))]) }
        let history = GatedHistory()
        let stats = StreamStats()
        let fanout = TopologyFanout(store: store, stats: stats)
        let services = DirectWebSocketSession.Services(
            store: store, registry: StreamRegistry(store: store, stats: stats), fanout: fanout,
            heartbeat: WebSocketHeartbeat(interval: .seconds(30)), stream: StreamOptions(),
            options: WebSocketOptions(), history: history)
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 16)))
            try pipeline.addHandler(DirectWebSocketSession(services: services, sessionID: nil))
        }

        // Revision 1 fell out of the two retained updates: history must serve it.
        try await channel.writeInbound(
            Self.masked(#"{"type":"subscribe","payload":{"channels":["topology"],"resume_from":1}}"#))
        try await channel.writeInbound(Self.masked(#"{"type":"ping","id":"p1"}"#))
        let first = String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        #expect(first.contains(#""pong""#) && first.contains("p1"))
        #expect(!first.contains(#""full""#), "the pong came first, while history was still being read")

        history.open()
        // The read failed (the gated history has nothing): the resume gets a full.
        var after = ""
        while !after.contains(#""full""#) {
            after += String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        }
        try? await channel.close().get()
        withExtendedLifetime(fanout) {}
    }

    /// A masked client text frame of fewer than 126 bytes.
    static func masked(_ text: String) -> ByteBuffer {
        let payload = Array(text.utf8), mask: [UInt8] = [3, 1, 4, 1]
        precondition(payload.count < 126)
        var frame = ByteBuffer(bytes: [0x81, 0x80 | UInt8(payload.count)] + mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        return frame
    }
}

/// A history whose reads wait until `open`, then fail.
final class GatedHistory: HistoryQueries {
    private let gate = AsyncStream<Void>.makeStream()

    func open() { gate.continuation.finish() }

    func changes(after: UInt64, through: UInt64, limit: Int) async throws(HistoryError) -> HistoryChanges {
        for await _ in gate.stream {}
        throw .unavailable("gated history")
    }

    func topology(at point: HistoryPoint) async throws(HistoryError) -> Topology { throw .unavailable("gated") }

    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws(HistoryError) -> [MetricSeries] { throw .unavailable("gated") }

    func events(
        since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int
    ) async throws(HistoryError) -> [InfraEvent] { throw .unavailable("gated") }

    func range() async throws(HistoryError) -> HistoryRange { throw .unavailable("gated") }
}
