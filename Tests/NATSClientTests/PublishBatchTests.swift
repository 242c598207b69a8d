import NATSClient
import NIOCore
import TestPeers
import Testing

/// `NATSPublishBatch` and `NATSConnection.publish(_:)` against a real nats-server.
@Suite struct PublishBatchTests {
    @Test func batchesAndSinglePublishesArriveInOrder() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "ordered.>")
        try await nats.flush()
        var batch = NATSPublishBatch(capacity: 64)  // grows past its hint
        var expected: [String] = []
        for round in 0..<5 {
            batch.removeAll()
            for index in 0..<1000 {
                try batch.append("\(round).\(index)", to: "ordered.batch", replyTo: index == 0 ? "reply.here" : nil)
                expected.append("\(round).\(index)")
            }
            #expect(batch.count == 1000)
            try await nats.publish(batch)
            // A single publish between two batches keeps its place.
            try await nats.publish("single \(round)", to: "ordered.single")
            expected.append("single \(round)")
        }
        let messages = try await take(expected.count, from: subscription)
        #expect(messages.map(\.string) == expected)
        #expect(messages.filter { $0.replyTo == "reply.here" }.count == 5)
        #expect(nats.statistics.outMessages == expected.count)
        await nats.close()
    }

    @Test func aBatchCarriesHeaders() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "with.headers")
        try await nats.flush()
        var batch = NATSPublishBatch()
        try batch.append("plain", to: "with.headers")
        try batch.append("tagged", to: "with.headers", headers: NATSHeaders([("Trace", "abc")]))
        try await nats.publish(batch)
        let messages = try await take(2, from: subscription)
        #expect(messages.map(\.string) == ["plain", "tagged"])
        #expect(messages[0].headers == nil)
        #expect(messages[1].headers?["Trace"] == "abc")
        await nats.close()
    }

    @Test func aBadSubjectLeavesTheBatchAsItWas() throws {
        var batch = NATSPublishBatch()
        try batch.append("one", to: "good")
        let bytes = batch.encodedBytes
        #expect(throws: NATSError.self) { try batch.append("two", to: "bad subject") }
        #expect(throws: NATSError.self) { try batch.append("two", to: "wild.*") }
        #expect(throws: NATSError.self) { try batch.append("two", to: "good", replyTo: "a\r\nPUB x 1") }
        #expect(throws: NATSError.self) {
            try batch.append("two", to: "good", headers: NATSHeaders([("bad name", "v")]))
        }
        #expect(batch.count == 1 && batch.encodedBytes == bytes && batch.payloadBytes == 3)
        batch.removeAll()
        #expect(batch.isEmpty && batch.encodedBytes == 0)
    }

    @Test func aPayloadOverMaxPayloadSendsNoneOfTheBatch() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "limited")
        try await nats.flush()
        var big = ByteBuffer()
        big.writeRepeatingByte(UInt8(ascii: "x"), count: 2 * 1024 * 1024)  // above the default max_payload of 1 MiB
        var batch = NATSPublishBatch()
        try batch.append("small", to: "limited")
        try batch.append(big, to: "limited")
        do {
            try await nats.publish(batch)
            Issue.record("expected payloadTooLarge")
        } catch let error as NATSError {
            #expect(error.code == .payloadTooLarge)
        }
        try await nats.publish("after", to: "limited")
        #expect(try await take(1, from: subscription).map(\.string) == ["after"])
        await nats.close()
    }

    @Test func whileDisconnectedABatchPastThePendingBoundIsRefusedWhole() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect { $0.maxPendingOutgoingBytes = 4096 }
        let subscription = try await nats.subscribe(to: "queued")
        try await nats.flush()
        server.kill()
        try await waitUntil("the client noticed") { nats.status == .reconnecting }
        var payload = ByteBuffer()
        payload.writeRepeatingByte(UInt8(ascii: "x"), count: 1000)
        var batch = NATSPublishBatch()
        for _ in 0..<5 { try batch.append(payload, to: "queued") }  // 5 × ~1020 bytes > 4096
        do {
            try await nats.publish(batch)
            Issue.record("expected pendingBufferFull")
        } catch let error as NATSError {
            #expect(error.code == .pendingBufferFull)
        }
        batch.removeAll()
        for index in 0..<3 { try batch.append("\(index)", to: "queued") }
        try await nats.publish(batch)
        try await server.restart()
        #expect(try await take(3, from: subscription).map(\.string) == ["0", "1", "2"])
        await nats.close()
    }
}
