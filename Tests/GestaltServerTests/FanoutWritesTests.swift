import Foundation
import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import StreamingTestSupport
import Testing

/// The SSE fan-out on an `EmbeddedChannel`, as the direct route serves it
/// (deltas as pre-framed chunks): a pass gives a client at most one write,
/// however far behind it is, and a client whose socket stalled resumes to
/// the state GET serves.
@Suite struct FanoutWritesTests {
    static let pods = 300

    /// Pod `i`, changed so that every call makes a real update.
    static func change(_ i: Int, _ n: Int) -> TopologyChange {
        var pod = entity("p\(i % pods)")
        pod.networkRxBytes = Int64(n + 1)
        return .upsertEntity(pod)
    }

    /// A client of a fresh fan-out, with the topology its opening gave it.
    static func client(
        _ store: TopologyStore, options: StreamOptions = StreamOptions()
    ) throws -> (EmbeddedChannel, TopologyFanout, AppliedTopology) {
        let (channel, fanout) = try EmbeddedFanout.client(store, options: options)
        var applied = AppliedTopology()
        // The opening goes through `write` (the HTTP encoder's job): unchunked.
        for buffer in try EmbeddedFanout.outbound(channel) {
            for update in try updates(in: buffer) { applied.apply(update) }
        }
        return (channel, fanout, applied)
    }

    /// The bodies of the HTTP/1.1 chunks in one write (a client that was
    /// behind gets several batches, each its own chunk), checking their framing.
    static func unchunk(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var buffer = buffer
        var bodies = ByteBuffer()
        while buffer.readableBytes > 0 {
            let text = try #require(buffer.getString(at: buffer.readerIndex, length: min(buffer.readableBytes, 12)))
            let hex = try #require(text.split(separator: "\r\n", maxSplits: 1).first)
            let length = try #require(Int(hex, radix: 16))
            buffer.moveReaderIndex(forwardBy: hex.count + 2)
            var body = try #require(buffer.readSlice(length: length) as ByteBuffer?)
            bodies.writeBuffer(&body)
            #expect(buffer.readString(length: 2) == "\r\n")
        }
        return bodies
    }

    static func updates(in buffer: ByteBuffer) throws -> [TopologyUpdate] {
        let text = String(buffer: buffer)
        // Topology messages carry an id; `retry` and `event: connected` do not.
        return try text.components(separatedBy: "\n\n").filter { $0.hasPrefix("id: ") }.flatMap { message in
            try message.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
                try JSONDecoder().decode(TopologyUpdate.self, from: Data($0.dropFirst(6).utf8))
            }
        }
    }

    @Test func aClientBehindByManyBatchesGetsOneWriteInAPass() throws {
        let store = TopologyStore()
        store.apply((0..<Self.pods).map { .upsertEntity(entity("p\($0)")) })
        var options = StreamOptions()
        options.batchLimit = 10
        let (channel, fanout, opening) = try Self.client(store, options: options)
        var applied = opening
        // 50 updates of distinct pods, one store write each: five batches of the log.
        for n in 0..<50 { store.apply([Self.change(n, n)]) }
        channel.embeddedEventLoop.run()
        let writes = try EmbeddedFanout.outbound(channel)
        #expect(writes.count == 1)
        for write in writes { for update in try Self.updates(in: try Self.unchunk(write)) { applied.apply(update) } }
        #expect(applied.revision == store.revision)
        #expect(applied.matches(store.snapshot()))
        withExtendedLifetime(fanout) {}
    }

    /// Changes closer together than the pass window wait for its end and
    /// reach the client in one write; a change after a quiet spell goes out
    /// at once. Time is the embedded loop's, moved by hand.
    @Test func changesInsideThePassWindowShareOneWrite() throws {
        let store = TopologyStore()
        store.apply((0..<Self.pods).map { .upsertEntity(entity("p\($0)")) })
        var options = StreamOptions()
        options.passWindow = .milliseconds(10)
        let (channel, fanout, opening) = try Self.client(store, options: options)
        let loop = channel.embeddedEventLoop
        var applied = opening
        func apply(_ writes: [ByteBuffer]) throws {
            for write in writes {
                for update in try Self.updates(in: try Self.unchunk(write)) { applied.apply(update) }
            }
        }

        store.apply([Self.change(0, 0)])
        loop.run()
        var writes = try EmbeddedFanout.outbound(channel)
        #expect(writes.count == 1, "the first change after a quiet spell waits for nothing")
        try apply(writes)

        for n in 1...4 { store.apply([Self.change(n, n)]) }
        loop.advanceTime(by: .milliseconds(9))
        #expect(try EmbeddedFanout.outbound(channel).isEmpty, "the window is still open")
        loop.advanceTime(by: .milliseconds(1))
        writes = try EmbeddedFanout.outbound(channel)
        #expect(writes.count == 1)
        try apply(writes)
        #expect(applied.revision == store.revision)

        loop.advanceTime(by: .milliseconds(50))
        store.apply([Self.change(5, 5)])
        loop.run()
        writes = try EmbeddedFanout.outbound(channel)
        #expect(writes.count == 1)
        try apply(writes)
        #expect(applied.revision == store.revision)
        #expect(applied.matches(store.snapshot()))
        withExtendedLifetime(fanout) {}
    }

    @Test func aStalledClientResumesToTheStateGETServes() throws {
        let store = TopologyStore()
        store.apply((0..<Self.pods).map { .upsertEntity(entity("p\($0)")) })
        let (channel, fanout, opening) = try Self.client(store)
        var applied = opening
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        // Updates, removals and additions while the socket is full; past the
        // resync threshold, so the catch-up is a fresh `full` and what follows it.
        for n in 0..<3_000 { store.apply([Self.change(n * 7, n)]) }
        store.apply((0..<20).map { .removeEntity(id: entity("p\($0)").id) })
        store.apply([.upsertEntity(entity("late", kind: .service))])
        channel.embeddedEventLoop.run()
        #expect(try EmbeddedFanout.outbound(channel).isEmpty)

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        channel.embeddedEventLoop.run()
        for write in try EmbeddedFanout.outbound(channel) {
            for update in try Self.updates(in: try Self.unchunk(write)) { applied.apply(update) }
        }
        #expect(applied.revision == store.revision)
        #expect(applied.matches(store.snapshot()))
        withExtendedLifetime(fanout) {}
    }

    /// A server stopped under open streams drops its fan-out before their
    /// channels close; a close afterwards still finds the client's list
    /// (it crashed the test process when the client held it `unowned`).
    @Test func aChannelThatOutlivesItsFanoutClosesCleanly() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(entity("p0"))])
        var (channel, fanout, _): (EmbeddedChannel, TopologyFanout?, AppliedTopology) = try Self.client(store)
        #expect(fanout?.clientCount == 1)
        fanout = nil
        try channel.close().wait()
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }
}
