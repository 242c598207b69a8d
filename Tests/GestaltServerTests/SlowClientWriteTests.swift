import Foundation
import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import GestaltServer

/// The slow-client rules of docs/PROTOCOL.md that are about one write of a
/// WebSocket session: "broadcasts" (a client busy writing keeps only the
/// newest 64) and "batch" (a write takes at most 512 updates past the
/// cursor), driven on the event-loop session over an `EmbeddedChannel`
/// whose socket the test fills and drains, with and without
/// permessage-deflate.
@Suite struct SlowClientWriteTests {
    /// A `DirectWebSocketSession` on an active EmbeddedChannel, as the
    /// direct route adds it after the upgrade. The fan-out and registry are
    /// returned because the store holds the fan-out only weakly.
    struct Session {
        let channel: EmbeddedChannel
        let store: TopologyStore
        let registry: StreamRegistry
        let fanout: TopologyFanout
    }

    static func session(_ store: TopologyStore, deflate: DeflateAgreement? = nil) throws -> Session {
        let stats = StreamStats()
        let registry = StreamRegistry(store: store, stats: stats)
        let fanout = TopologyFanout(store: store, stats: stats)
        let services = DirectWebSocketSession.Services(
            store: store, registry: registry, fanout: fanout, heartbeat: WebSocketHeartbeat(interval: .seconds(3600)),
            stream: StreamOptions(), options: WebSocketOptions())
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        try channel.pipeline.syncOperations.addHandler(
            DirectWebSocketSession(services: services, sessionID: "slow", deflate: deflate))
        channel.embeddedEventLoop.run()
        return Session(channel: channel, store: store, registry: registry, fanout: fanout)
    }

    /// A masked text frame, as a client sends it.
    static func clientText(_ text: String) -> WebSocketFrame {
        let key: WebSocketMaskingKey = [1, 2, 3, 4]
        var data = ByteBuffer(string: text)
        data.webSocketMask(key)
        return WebSocketFrame(fin: true, opcode: .text, maskKey: key, data: data)
    }

    /// Every text message the server wrote so far, in order, its fragments
    /// (a `full` over 16 KiB) put together; control frames are skipped.
    static func messages(_ channel: EmbeddedChannel) throws -> [[String: Any]] {
        var compressed = 0
        return try messages(channel, compressed: &compressed)
    }

    /// The same, counting the messages sent compressed into `compressed`.
    static func messages(_ channel: EmbeddedChannel, compressed: inout Int) throws -> [[String: Any]] {
        var written = ByteBuffer()
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { written.writeBuffer(&buffer) }
        let messages = try ServerFrame.messages(ServerFrame.take(from: &written))
        #expect(written.readableBytes == 0, "the server writes whole frames")
        compressed += messages.filter(\.compressed).count
        return try messages.map { message in
            try #require(try JSONSerialization.jsonObject(with: Data(message.text.readableBytesView)) as? [String: Any])
        }
    }

    /// A message's `id` (the revision, a string on the wire).
    static func id(_ message: [String: Any]?) -> Int? { (message?["id"] as? String).flatMap { Int($0) } }

    /// A notice's text: over `MessageDeflater.minBytes`, so a deflate session sends it compressed.
    static func text(_ n: Int) -> String { "notice \(n): " + String(repeating: "a pod restarted; ", count: 20) }

    static func noticeJSON(_ n: Int) -> String { #"{"message":"\#(text(n))","n":\#(n)}"# }

    static func notice(_ n: Int) -> BroadcastMessage {
        BroadcastMessage(type: "warning", payload: Array(noticeJSON(n).utf8))
    }

    // MARK: broadcasts

    /// Rule "broadcasts": 100 broadcasts to a client whose socket is full;
    /// when it drains, it gets exactly the newest 64, in order. Both session
    /// kinds: plain, and permessage-deflate (the notices are long enough to
    /// be sent compressed, so the compressed writes are what is checked).
    @Test(arguments: [false, true]) func stuckClientGetsTheNewest64BroadcastsInOrder(deflate: Bool) throws {
        let s = try Self.session(TopologyStore(), deflate: deflate ? DeflateAgreement() : nil)
        defer { _ = try? s.channel.finish() }
        _ = try Self.messages(s.channel)
        s.channel.isWritable = false
        for n in 0..<100 { #expect(s.registry.broadcast(Self.notice(n)) == 1) }
        s.channel.embeddedEventLoop.run()
        #expect(try Self.messages(s.channel).isEmpty, "nothing is written while the socket is full")

        s.channel.isWritable = true
        s.channel.pipeline.fireChannelWritabilityChanged()
        s.channel.embeddedEventLoop.run()
        var compressed = 0
        let received = try Self.messages(s.channel, compressed: &compressed)
        #expect(received.map { $0["type"] as? String } == Array(repeating: "warning", count: 64))
        #expect(received.map { ($0["payload"] as? [String: Any])?["n"] as? Int } == Array(36..<100))
        #expect(received.map { ($0["payload"] as? [String: Any])?["message"] as? String } == (36..<100).map(Self.text))
        #expect(compressed == (deflate ? 64 : 0))
    }

    // MARK: batch

    /// Rule "batch": a client 700 updates behind (under the resync
    /// threshold, so it is sent the backlog) gets them in writes of at most
    /// 512 updates: exactly 512 in the write its socket takes when it
    /// drains, then the other 188 in the next.
    @Test func aWriteTakesAtMost512UpdatesPastTheCursor() throws {
        let store = TopologyStore()
        store.apply((0..<1000).map { .upsertEntity(entity("p\($0)")) })
        let s = try Self.session(store)
        defer { _ = try? s.channel.finish() }
        try s.channel.writeInbound(Self.clientText(#"{"type":"subscribe","payload":{"channels":["topology"]}}"#))
        s.channel.embeddedEventLoop.run()
        let opening = try Self.messages(s.channel)
        #expect(opening.map { $0["type"] as? String } == ["subscribed", "topology"])
        let start = try #require(Self.id(opening.last))

        s.channel.isWritable = false
        // 700 distinct pods changed: nothing to coalesce.
        for i in 0..<700 { store.apply([.upsertEntity(entity("p\(i)", cpu: 50))]) }
        s.channel.embeddedEventLoop.run()
        #expect(try Self.messages(s.channel).isEmpty)

        s.channel.isWritable = true
        // The drain's pass, before the loop runs the next turn it queues.
        s.channel.pipeline.fireChannelWritabilityChanged()
        let first = try Self.messages(s.channel)
        #expect(first.count == 512)
        #expect(first.compactMap(Self.id) == Array((start + 1)...(start + 512)))
        s.channel.embeddedEventLoop.run()
        let second = try Self.messages(s.channel)
        #expect(second.compactMap(Self.id) == Array((start + 513)...(start + 700)))
        #expect(Set(first.map { ($0["payload"] as? [String: Any])?["kind"] as? String }) == ["update"])
    }
}
