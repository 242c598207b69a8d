import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import Testing

/// The fan-out's keepalive rule on an `EmbeddedChannel`: on a tick, a client
/// that has written nothing for its keepalive interval gets one `: keepalive`
/// comment, and a client within its interval gets nothing. The intervals are
/// zero or an hour, so nothing here waits on the wall clock; the live server
/// keeps one end-to-end check (SSETopologyTests.keepaliveWhenIdle).
@Suite struct FanoutKeepaliveTests {
    /// The bytes of one keepalive as the direct route writes it: an HTTP/1.1 chunk.
    static let keepaliveChunk = "d\r\n: keepalive\n\n\r\n"

    /// A client of a fresh fan-out on an active EmbeddedChannel, its opening
    /// already read; the fan-out is returned because the store holds it only weakly.
    static func client(_ store: TopologyStore, keepalive: Duration) throws -> (EmbeddedChannel, TopologyFanout) {
        var options = StreamOptions()
        options.keepalive = keepalive
        let stats = StreamStats()
        let fanout = TopologyFanout(store: store, stats: stats)
        let registry = StreamRegistry(store: store, stats: stats)
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let connection = registry.register(transport: .sse, channels: [.topology], closer: { _ in })
        _ = fanout.start(
            filter: .everything, resumeFrom: nil, options: options, channel: channel, connection: connection,
            chunked: true
        ) { buffer in channel.write(buffer, promise: nil) }
        channel.embeddedEventLoop.run()
        #expect(try written(channel).contains("\"kind\":\"full\""), "the opening")
        return (channel, fanout)
    }

    /// What the fan-out wrote since the last call, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func anIdleClientGetsOneKeepalivePerTickOnceItsIntervalPassed() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("web-0"))])
        let (channel, fanout) = try Self.client(store, keepalive: .zero)
        for _ in 0..<3 {
            store.topologySignal.tick()
            channel.embeddedEventLoop.run()
            #expect(try Self.written(channel) == Self.keepaliveChunk)
        }
        withExtendedLifetime(fanout) {}
    }

    @Test func aClientWithinItsIntervalGetsNothingOnATick() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("web-0"))])
        let (channel, fanout) = try Self.client(store, keepalive: .seconds(3600))
        store.topologySignal.tick()
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel).isEmpty)
        withExtendedLifetime(fanout) {}
    }

    @Test func aPassWithDataSendsTheDataNotAKeepalive() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("web-0"))])
        let (channel, fanout) = try Self.client(store, keepalive: .zero)
        store.apply([.upsertEntity(pod("web-1"))])
        store.topologySignal.tick()
        channel.embeddedEventLoop.run()
        let text = try Self.written(channel)
        #expect(text.contains("\"name\":\"web-1\""))
        #expect(!text.contains(": keepalive"), "a pass that writes data owes no keepalive")
        withExtendedLifetime(fanout) {}
    }
}
