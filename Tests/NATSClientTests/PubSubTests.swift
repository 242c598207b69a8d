import NATSClient
import NIOCore
import TestPeers
import Testing

/// The core protocol against a real nats-server.
@Suite struct PubSubTests {
    @Test func publishAndSubscribeInOrder() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "orders.*")
        for index in 0..<100 { try await nats.publish("order \(index)", to: "orders.new") }
        try await nats.publish("not for us", to: "invoices.new")
        let messages = try await take(100, from: subscription)
        #expect(messages.map(\.string) == (0..<100).map { "order \($0)" })
        #expect(messages.allSatisfy { $0.subject == "orders.new" && $0.replyTo == nil && $0.headers == nil })
        #expect(nats.serverInfo?.jetStream == true)
        await nats.close()
        #expect(nats.status == .closed)
    }

    @Test func queueGroupMembersShareTheMessages() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let first = try await nats.subscribe(to: "work", queue: "workers")
        let second = try await nats.subscribe(to: "work", queue: "workers")
        let everyone = try await nats.subscribe(to: "work")
        try await nats.flush()
        for index in 0..<200 { try await nats.publish("\(index)", to: "work") }
        try await nats.flush()
        _ = try await take(200, from: everyone)
        try await waitUntil("the group to receive all 200") {
            first.pendingMessages + second.pendingMessages == 200
        }
        // Each message went to exactly one member; with 200 messages each member got some.
        let a = try await take(first.pendingMessages, from: first).map(\.string)
        let b = try await take(second.pendingMessages, from: second).map(\.string)
        #expect(Set(a + b).count == 200 && !a.isEmpty && !b.isEmpty)
        await nats.close()
    }

    @Test func requestReplyThroughOneInbox() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let responder = try await server.connect()
        let requester = try await server.connect()
        let service = try await responder.subscribe(to: "math.double")
        try await responder.flush()
        let serving = Task {
            for await request in service {
                guard let reply = request.replyTo, let value = Int(request.string) else { continue }
                try await responder.publish("\(value * 2)", to: reply)
            }
        }
        // Concurrent requests share the one wildcard inbox subscription.
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for value in 0..<20 {
                group.addTask { (value, try await requester.request("\(value)", to: "math.double").string) }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers == Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, "\($0 * 2)") }))

        await #expect(throws: NATSError.self) { try await requester.request("x", to: "nobody.listens") }
        do {
            _ = try await requester.request("x", to: "nobody.listens")
        } catch let error as NATSError {
            #expect(error.code == .noResponders)
        }
        // A subscriber that never answers: the request times out.
        let silent = try await responder.subscribe(to: "silent")
        try await responder.flush()
        do {
            _ = try await requester.request("x", to: "silent", timeout: .milliseconds(200))
            Issue.record("expected a timeout")
        } catch let error as NATSError {
            #expect(error.code == .timeout)
        }
        _ = silent
        serving.cancel()
        await requester.close()
        await responder.close()
    }

    @Test func aFirstRequestOnAFreshConnectionGoesOut() async throws {
        // Regression: the inbox SUB of the first request once marked a write
        // as scheduled and dropped it, so nothing reached the server.
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let responder = try await server.connect()
        let service = try await responder.subscribe(to: "echo")
        try await responder.flush()
        let serving = Task {
            for await request in service {
                if let reply = request.replyTo { try await responder.publish(request.payload, to: reply) }
            }
        }
        let requester = try await server.connect()
        #expect(try await requester.request("ping", to: "echo").string == "ping")
        serving.cancel()
        await requester.close()
        await responder.close()
    }

    @Test func headersTravelWithHPUBAndHMSG() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "traced")
        var headers = NATSHeaders([("Trace-Id", "abc123")])
        headers.append("one", for: "Multi")
        headers.append("two", for: "Multi")
        try await nats.publish("body", to: "traced", headers: headers)
        try await nats.publish(ByteBuffer(), to: "traced", headers: NATSHeaders([("Only", "headers")]))
        let messages = try await take(2, from: subscription)
        #expect(messages[0].string == "body")
        #expect(messages[0].headers?["trace-id"] == "abc123")
        #expect(messages[0].headers?.values(for: "Multi") == ["one", "two"])
        #expect(messages[1].payload.readableBytes == 0 && messages[1].headers?["Only"] == "headers")
        await nats.close()
    }

    @Test func aOneMegabytePayloadRoundTrips() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "big")
        var payload = ByteBuffer()
        for index in 0..<1_000_000 { payload.writeInteger(UInt8(truncatingIfNeeded: index &* 31)) }
        try await nats.publish(payload, to: "big")
        let received = try await take(1, from: subscription)
        #expect(received[0].payload == payload)
        // Above the server's max_payload (1 MiB): refused before it reaches the wire.
        var tooBig = ByteBuffer()
        tooBig.writeRepeatingByte(0, count: 2 * 1024 * 1024)
        await #expect(throws: NATSError.self) { try await nats.publish(tooBig, to: "big") }
        try await nats.flush()
        await nats.close()
    }

    @Test func unsubscribeAfterMaxEndsTheSequence() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "few")
        try await subscription.unsubscribe(after: 5)
        for index in 0..<10 { try await nats.publish("\(index)", to: "few") }
        var received: [String] = []
        for await message in subscription { received.append(message.string) }  // ends by itself after 5
        #expect(received == ["0", "1", "2", "3", "4"])
        await nats.close()
    }

    @Test func aSlowSubscriberDropsAndCountsPastItsLimits() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let byCount = try await nats.subscribe(to: "firehose", limits: .init(maxMessages: 10, maxBytes: 1 << 20))
        let byBytes = try await nats.subscribe(to: "firehose", limits: .init(maxMessages: 1000, maxBytes: 1000))
        for index in 0..<100 { try await nats.publish(String(repeating: "\(index % 10)", count: 100), to: "firehose") }
        try await nats.flush()
        try await waitUntil("100 messages seen") { nats.statistics.inMessages == 200 }
        #expect(byCount.pendingMessages == 10 && byCount.dropped == 90)
        #expect(byBytes.pendingMessages == 10 && byBytes.pendingBytes == 1000 && byBytes.dropped == 90)
        // The kept ones are the oldest; after reading them there is room again.
        let kept = try await take(10, from: byCount)
        #expect(kept.first?.string.hasPrefix("0") == true)
        try await nats.publish("fresh", to: "firehose")
        #expect(try await take(1, from: byCount).first?.string == "fresh")
        await nats.close()
    }

    @Test func aRefusedPasswordIsAClearError() async throws {
        let server = try await NATSServerFixture.start(["--user", "gestalt", "--pass", "right"])
        defer { server.stop() }
        do {
            _ = try await server.connect { $0.auth = .userPassword(user: "gestalt", password: "wrong") }
            Issue.record("connected with a wrong password")
        } catch let error as NATSError {
            #expect(error.code == .authorizationViolation, "\(error)")
            #expect(error.message.contains("Authorization Violation"))
        }
        let nats = try await server.connect { $0.auth = .userPassword(user: "gestalt", password: "right") }
        try await nats.flush()
        await nats.close()
    }

    @Test func tokenAuthentication() async throws {
        let server = try await NATSServerFixture.start(["--auth", "s3cret"])
        defer { server.stop() }
        await #expect(throws: NATSError.self) { _ = try await server.connect { $0.auth = .token("nope") } }
        let nats = try await server.connect { $0.auth = .token("s3cret") }
        try await nats.flush()
        await nats.close()
    }
}
