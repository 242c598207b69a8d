import Clocks
import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import GestaltServer

/// The heartbeat (docs/PROTOCOL.md, "Liveness") on a test clock and a
/// `NIOAsyncTestingChannel`: pings come from advancing time, never from
/// waiting, and the session's frames are read off the channel.
@Suite(.timeLimit(.minutes(1))) struct WebSocketHeartbeatTests {
    static let interval = Duration.seconds(30)

    @Test func aPingIsSentAfterAnIdleInterval() async throws {
        let peer = try await Peer()
        defer { peer.stop() }
        await peer.advance(by: Self.interval - .milliseconds(1))
        #expect(try await peer.frames().isEmpty, "nothing before the interval has passed")

        await peer.advance(by: .milliseconds(1))
        let frames = try await peer.frames(until: { $0.contains { $0.opcode == 0x1 } })
        #expect(frames.map(\.opcode) == [0x9, 0x1], "a control ping, then the application ping")
        #expect(frames[0].text == "1")
        #expect(frames[1].text.contains(#""type":"ping""#) && frames[1].text.contains(#""seq":1"#))
    }

    @Test func aPeerThatAnswersNothingIsClosedWith1001() async throws {
        let peer = try await Peer()
        defer { peer.stop() }
        // Two pings go unanswered; the third tick finds no sign of life since them.
        for seq in 1...2 {
            await peer.advance(by: Self.interval)
            let pings = try await peer.frames(until: { $0.contains { $0.opcode == 0x1 } })
            #expect(pings.first?.text == "\(seq)")
            #expect(peer.stats.snapshot.disconnectsByReason[.heartbeatTimeout] == nil)
        }
        await peer.advance(by: Self.interval)
        let close = try #require(try await peer.frames(until: { $0.contains { $0.opcode == 0x8 } }).last)
        #expect(close.closeCode == 1001)
        #expect(close.text.contains("heartbeat timeout"))
        try await peer.channel.closeFuture.get()
        #expect(peer.stats.snapshot.disconnectsByReason[.heartbeatTimeout] == 1)
    }

    @Test func aPongInTimeKeepsTheSocket() async throws {
        let peer = try await Peer()
        defer { peer.stop() }
        for seq in 1...6 {
            await peer.advance(by: Self.interval)
            let pings = try await peer.frames(until: { $0.contains { $0.opcode == 0x1 } })
            #expect(pings.last?.text.contains(#""seq":\#(seq)"#) == true)
            // The application pong, the way the UI answers; its control pong never comes.
            try await peer.send(0x1, #"{"type":"pong","payload":{"seq":\#(seq)}}"#)
        }
        #expect(peer.channel.isActive)
        #expect(peer.stats.snapshot.disconnectsByReason[.heartbeatTimeout] == nil)
    }

    /// The README's websocat: never sends a message, but its library answers
    /// every control ping with a control pong.
    @Test func aListenOnlyClientThatAnswersControlPingsIsNeverDropped() async throws {
        let peer = try await Peer()
        defer { peer.stop() }
        for _ in 1...6 {
            await peer.advance(by: Self.interval)
            let frames = try await peer.frames(until: { $0.contains { $0.opcode == 0x1 } })
            let ping = try #require(frames.first { $0.opcode == 0x9 })
            try await peer.send(0xA, ping.text)
        }
        #expect(peer.channel.isActive)
        #expect(peer.stats.snapshot.disconnectsByReason[.heartbeatTimeout] == nil)
    }

    /// Constellation's protocol has no `ping` envelope, so its client gets
    /// the control ping alone: it must still be flushed (it once waited in
    /// the session's writer for a write that never came).
    @Test func anIdleConstellationClientGetsTheControlPing() async throws {
        let peer = try await Peer(constellation: .external)
        defer { peer.stop() }
        let opening = try await peer.frames(until: { !$0.isEmpty })
        #expect(opening.first?.text.contains("FullState") == true)
        await peer.advance(by: Self.interval)
        let frames = try await peer.frames(until: { $0.contains { $0.opcode == 0x9 } })
        #expect(frames.map(\.opcode) == [0x9])
        #expect(frames.first?.text == "1")
    }

    /// A session behind the frame decoder, as `DirectStreams` sets it up,
    /// with a heartbeat that runs on a test clock.
    final class Peer {
        let channel = NIOAsyncTestingChannel()
        let clock = TestClock()
        let stats = StreamStats()
        let fanout: TopologyFanout
        private let heartbeatTask: Task<Void, Never>

        init(constellation: ConstellationMessage.Tagging? = nil) async throws {
            let store = TopologyStore()
            store.apply([.upsertEntity(entity("pod-1"))])
            fanout = TopologyFanout(store: store, stats: stats)
            let heartbeat = WebSocketHeartbeat(interval: WebSocketHeartbeatTests.interval, clock: clock)
            let services = DirectWebSocketSession.Services(
                store: store, registry: StreamRegistry(store: store, stats: stats), fanout: fanout,
                heartbeat: heartbeat, stream: StreamOptions(), options: WebSocketOptions())
            heartbeatTask = Task { await heartbeat.run() }
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
            try await channel.testingEventLoop.executeInContext { [channel] in
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 16)))
                try pipeline.addHandler(
                    DirectWebSocketSession(services: services, sessionID: nil, constellation: constellation))
            }
            await untilAsleep()
        }

        func stop() {
            heartbeatTask.cancel()
            withExtendedLifetime(fanout) {}
        }

        /// Moves the clock on, then returns once the heartbeat sleeps again and
        /// the loop has run what it rang.
        func advance(by duration: Duration) async {
            await clock.advance(by: duration)
            await untilAsleep()
            await channel.testingEventLoop.run()
        }

        /// Returns once the heartbeat sleeps on the clock, so the next
        /// `advance` counts from that sleep (`checkSuspension` throws while one is).
        private func untilAsleep() async {
            for _ in 0..<100_000 {
                do { try await clock.checkSuspension() } catch { return }
            }
            Issue.record("the heartbeat never slept on the clock")
        }

        /// A masked client frame.
        func send(_ opcode: UInt8, _ text: String) async throws {
            try await channel.writeInbound(ByteBuffer(bytes: clientFrame(opcode, Array(text.utf8))))
            await channel.testingEventLoop.run()
        }

        private var received = ByteBuffer()

        /// The server's frames written so far and not yet returned.
        func frames() async throws -> [ServerFrame] {
            while var buffer = try await channel.readOutbound(as: ByteBuffer.self) { received.writeBuffer(&buffer) }
            return parse()
        }

        /// The server's frames, waiting for writes until `done` holds for them.
        func frames(until done: ([ServerFrame]) -> Bool) async throws -> [ServerFrame] {
            var frames = try await self.frames()
            while !done(frames) {
                var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
                received.writeBuffer(&buffer)
                frames += parse()
            }
            return frames
        }

        /// Whole server frames at the front of `received`.
        private func parse() -> [ServerFrame] { ServerFrame.take(from: &received) }
    }
}
