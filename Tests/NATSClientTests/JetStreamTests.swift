import NATSClient
import NIOCore
import TestPeers
import Testing

@Suite struct JetStreamTests {
    @Test func streamConsumerFetchAndAck() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let js = JetStream(nats)

        let created = try await js.createStream(StreamConfig(name: "ORDERS", subjects: ["orders.>"]))
        #expect(created.config.name == "ORDERS" && created.state.messages == 0)

        var sequences: [UInt64] = []
        for index in 1...3 {
            sequences.append(
                try await js.publish("order \(index)", to: "orders.new", messageID: "id-\(index)").sequence)
        }
        #expect(sequences == [1, 2, 3])
        let duplicate = try await js.publish("order 1 again", to: "orders.new", messageID: "id-1")
        #expect(duplicate.duplicate && duplicate.sequence == 1)
        #expect(try await js.streamInfo("ORDERS").state.messages == 3)

        let consumer = try await js.createConsumer(stream: "ORDERS", ConsumerConfig(durableName: "worker"))
        #expect(consumer.name == "worker" && consumer.numPending == 3)

        let fetched = try await js.fetch(stream: "ORDERS", consumer: "worker", batch: 2)
        #expect(fetched.map { String(buffer: $0.payload) } == ["order 1", "order 2"])
        let metadata = try #require(fetched.first?.metadata)
        #expect(metadata.stream == "ORDERS" && metadata.consumer == "worker" && metadata.deliveries == 1)
        #expect(metadata.streamSequence == 1 && metadata.consumerSequence == 1 && metadata.pending == 2)
        for message in fetched { try await message.ack() }

        // Fewer messages than asked for: the pull ends when it expires.
        let rest = try await js.fetch(stream: "ORDERS", consumer: "worker", batch: 10, expires: .milliseconds(300))
        #expect(rest.map { String(buffer: $0.payload) } == ["order 3"])
        try await rest[0].ack()
        let empty = try await js.fetch(stream: "ORDERS", consumer: "worker", batch: 10, noWait: true)
        #expect(empty.isEmpty)

        let info = try await js.consumerInfo(stream: "ORDERS", name: "worker")
        #expect(info.numAckPending == 0 && info.numPending == 0 && info.ackFloor.streamSequence == 3)
        await nats.close()
    }

    @Test func errorsComeBackAsJetStreamErrors() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let js = JetStream(nats)
        do {
            _ = try await js.streamInfo("MISSING")
            Issue.record("info of a missing stream succeeded")
        } catch let error as NATSError {
            #expect(error.code == .jetStream && error.message.contains("not found"), "\(error)")
        }
        // No stream on the subject: nobody answers the publish.
        do {
            _ = try await js.publish("x", to: "no.stream.here")
            Issue.record("publish without a stream succeeded")
        } catch let error as NATSError {
            #expect(error.code == .noResponders)
        }
        await nats.close()
    }
}
