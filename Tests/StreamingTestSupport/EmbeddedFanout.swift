package import GestaltEngine
import GestaltModel
package import GestaltStreaming
package import NIOCore
package import NIOEmbedded

/// A client of a fresh `TopologyFanout` on an active `EmbeddedChannel`, as
/// the direct SSE route serves it (deltas as pre-framed chunks), so the
/// fan-out's rules are tested with no socket and no wall clock.
package enum EmbeddedFanout {
    /// The client's channel, its opening written but not yet read; the
    /// fan-out is returned because the store holds it only weakly.
    package static func client(
        _ store: TopologyStore, options: StreamOptions = StreamOptions()
    ) throws -> (EmbeddedChannel, TopologyFanout) {
        let stats = StreamStats()
        let fanout = TopologyFanout(store: store, stats: stats, window: options.passWindow)
        let registry = StreamRegistry(store: store, stats: stats)
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let connection = registry.register(transport: .sse, channels: [.topology], closer: { _ in })
        _ = fanout.start(
            filter: .everything, resumeFrom: nil, options: options, channel: channel, connection: connection,
            chunked: true
        ) { buffer in channel.write(buffer, promise: nil) }
        channel.embeddedEventLoop.run()
        return (channel, fanout)
    }

    /// Every write the fan-out made since the last call.
    package static func outbound(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var writes: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { writes.append(buffer) }
        return writes
    }
}
