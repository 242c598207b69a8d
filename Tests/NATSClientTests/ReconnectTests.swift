import NATSClient
import NIOCore
import TestPeers
import Testing

/// Losing the server: subscriptions come back, bytes queued while away are
/// sent, and the pending bound is an error, not a silent loss.
@Suite struct ReconnectTests {
    @Test func subscriptionsAreRestoredAfterAServerRestart() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let subscriber = try await server.connect()
        let publisher = try await server.connect()
        let plain = try await subscriber.subscribe(to: "events.>")
        let grouped = try await subscriber.subscribe(to: "jobs", queue: "workers")
        try await subscriber.flush()
        try await publisher.publish("before", to: "events.a")
        #expect(try await take(1, from: plain).first?.string == "before")

        try await server.restart()
        try await waitUntil("both clients reconnected") {
            subscriber.status == .connected && publisher.status == .connected
                && subscriber.statistics.reconnects >= 1 && publisher.statistics.reconnects >= 1
        }
        try await subscriber.flush()  // the SUBs went out before this PING
        try await publisher.publish("after", to: "events.b")
        try await publisher.publish("job", to: "jobs")
        #expect(try await take(1, from: plain).first?.string == "after")
        #expect(try await take(1, from: grouped).first?.string == "job")
        await subscriber.close()
        await publisher.close()
    }

    @Test func publishesWhileDisconnectedAreSentAfterReconnect() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        // One connection both ways: its SUBs must reach the new server before
        // the PUBs it buffered, or the server would drop them (nobody subscribed yet).
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "queued")
        try await nats.flush()

        server.kill()
        try await waitUntil("the client noticed") { nats.status == .reconnecting }
        for index in 0..<50 { try await nats.publish("\(index)", to: "queued") }
        let late = try await nats.subscribe(to: "subscribed.while.away")
        try await nats.publish("hello", to: "subscribed.while.away")
        await #expect(throws: NATSError.self) { try await nats.flush() }
        try await server.restart()

        let messages = try await take(50, from: subscription)
        #expect(messages.map(\.string) == (0..<50).map { "\($0)" })
        #expect(try await take(1, from: late).first?.string == "hello")
        await nats.close()
    }

    @Test func thePendingBufferBoundIsAThrownError() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect { $0.maxPendingOutgoingBytes = 4096 }
        server.kill()
        try await waitUntil("the client noticed") { nats.status == .reconnecting }
        var payload = ByteBuffer()
        payload.writeRepeatingByte(UInt8(ascii: "x"), count: 1000)
        var accepted = 0
        var refusal: NATSError?
        while refusal == nil, accepted < 100 {
            do {
                try await nats.publish(payload, to: "overflow")
                accepted += 1
            } catch let error as NATSError {
                refusal = error
            }
        }
        #expect(refusal?.code == .pendingBufferFull)
        #expect(accepted == 4)  // 4 × (1000 + the PUB line) fit in 4096, the fifth does not
        await nats.close()
    }

    @Test func givingUpClosesTheConnection() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect {
            $0.reconnect = .init(initialDelay: .milliseconds(10), maxDelay: .milliseconds(20), maxAttempts: 3)
        }
        let subscription = try await nats.subscribe(to: "any")
        server.kill()
        try await waitUntil("the client gave up") { nats.status == .closed }
        #expect(nats.lastError?.code == .closed)
        var count = 0
        for await _ in subscription { count += 1 }  // the sequence ends
        #expect(count == 0)
        await #expect(throws: NATSError.self) { try await nats.publish("x", to: "any") }
    }
}
