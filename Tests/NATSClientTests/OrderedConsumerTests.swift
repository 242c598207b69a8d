import NATSClient
import NIOCore
import Synchronization
import TestPeers
import Testing

/// Ordered consumers, last-per-subject and stream creation against a real nats-server.
@Suite struct OrderedConsumerTests {
    @Test func messagesAreReadBySequenceAndPurgedBelowOne() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let js = JetStream(try await server.connect())
        _ = try await js.ensureStream(StreamConfig(name: "P", subjects: ["p.>"]))
        for payload in ["a1", "b1", "a2", "a3"] { _ = try await js.publish(payload, to: "p.\(payload.first!)") }
        #expect(try await js.message(stream: "P", sequence: 3).map { String(buffer: $0.payload) } == "a2")
        #expect(try await js.message(stream: "P", sequence: 9) == nil)
        // Below 1 is nothing (the server would read 1 as "everything").
        #expect(try await js.purge(stream: "P", subject: "p.a", keepingFrom: 1) == 0)
        // Only the subject's messages below the sequence go.
        #expect(try await js.purge(stream: "P", subject: "p.a", keepingFrom: 4) == 2)
        #expect(try await js.message(stream: "P", sequence: 1) == nil)
        #expect(try await js.message(stream: "P", sequence: 2) != nil)
        #expect(try await js.purge(stream: "P", subject: "p.a", keepingFrom: nil) == 1)
        #expect(try await js.streamInfo("P").state.messages == 1)
    }

    @Test func ensureStreamCreatesOnceAndLastMessageReadsASubject() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let js = JetStream(nats)
        let config = StreamConfig(name: "CP", subjects: ["cp.>"], maxMessagesPerSubject: 1)
        let created = try await js.ensureStream(config)
        #expect(created.config.maxMessagesPerSubject == 1)
        _ = try await js.publish("a1", to: "cp.a")
        _ = try await js.publish("b1", to: "cp.b")
        _ = try await js.publish("a2", to: "cp.a")
        // A second ensure finds the stream and keeps its messages.
        #expect(try await js.ensureStream(config).state.messages == 2)
        let last = try #require(try await js.lastMessage(stream: "CP", subject: "cp.a"))
        #expect(String(buffer: last.payload) == "a2" && last.sequence == 3)
        #expect(try await js.lastMessage(stream: "CP", subject: "cp.none") == nil)

        // A last-per-subject consumer: the last of each subject, then what is new.
        let inbox = nats.newInbox()
        let subscription = try await nats.subscribe(to: inbox)
        var consumer = ConsumerConfig(
            durableName: nil, ackPolicy: .none, deliverPolicy: .lastPerSubject, filterSubject: "cp.>")
        consumer.deliverSubject = inbox
        _ = try await js.createEphemeralConsumer(stream: "CP", consumer)
        var got: [String] = []
        for await message in subscription {
            got.append(message.string)
            if got.count == 2 { break }
        }
        #expect(Set(got) == ["a2", "b1"])
        try await subscription.unsubscribe()
        await nats.close()
    }

    @Test func consumesFromAStartSequenceInOrderAcrossAServerRestart() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let js = JetStream(nats)
        _ = try await js.ensureStream(StreamConfig(name: "T", subjects: ["t.>"]))
        for index in 1...10 { _ = try await js.publish("m\(index)", to: index % 2 == 0 ? "t.even" : "t.odd") }

        let received = Received()
        let reader = Task {
            try await js.consumeOrdered(stream: "T", filterSubject: "t.even", from: 4, heartbeat: .milliseconds(300)) {
                message in
                let sequence = message.metadata?.streamSequence ?? 0
                received.list.withLock { $0.append((sequence, String(buffer: message.payload))) }
            }
        }
        try await PeerProcess.waitUntil(timeout: .seconds(10), "4 even messages") {
            received.list.withLock { $0.count } == 4
        }
        #expect(received.list.withLock { $0.map(\.0) } == [4, 6, 8, 10])

        // The server goes away and comes back with its store: the consumer
        // is re-created from where it stopped, nothing missed, nothing twice.
        try await server.restart()
        let publisher = try await server.connect()
        let js2 = JetStream(publisher)
        try await PeerProcess.waitUntil(timeout: .seconds(20), "the stream back") {
            (try? await js2.streamInfo("T")) != nil
        }
        for index in 11...14 { _ = try await js2.publish("m\(index)", to: index % 2 == 0 ? "t.even" : "t.odd") }
        try await PeerProcess.waitUntil(timeout: .seconds(30), "6 even messages") {
            received.list.withLock { $0.count } >= 6
        }
        #expect(received.list.withLock { $0.map(\.1) } == ["m4", "m6", "m8", "m10", "m12", "m14"])
        reader.cancel()
        _ = try? await reader.value
        await publisher.close()
        await nats.close()
    }
}

private final class Received: Sendable {
    let list = Mutex<[(UInt64, String)]>([])
}
