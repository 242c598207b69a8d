import NATSClient
import NIOCore
import TestPeers
import Testing

/// Many megabytes in one go, against a real nats-server: the publisher's
/// writes are handed over at `lingerBytes`, set aside while the socket is
/// backed up, and wait at the pending bound; the subscriber's reads cut
/// frames anywhere (in a control line, in a payload, between CR and LF), and
/// only a cut frame's missing bytes are copied. Every message must arrive
/// whole and in order.
@Suite struct BulkTransferTests {
    /// Sizes around the edges that matter: empty, tiny, the bench's 128, a
    /// page, and larger than one read of the socket.
    static let sizes = [0, 1, 127, 128, 1_000, 4_095, 70_000, 300_000]

    /// Neighbours differ in every byte, so a frame spliced from two reads wrongly shows.
    static func payload(_ index: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: index), count: sizes[index % sizes.count])
        return buffer
    }

    @Test func megabytesOfMixedSizesArriveWholeAndInOrder() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        // A small pending bound, so the publisher also waits for room.
        let publisher = try await server.connect { $0.maxPendingOutgoingBytes = 256 * 1024 }
        let subscriber = try await server.connect()
        let subscription = try await subscriber.subscribe(to: "bulk")
        try await subscriber.flush()
        let count = 800  // about 37 MB
        let publishing = Task {
            for index in 0..<count { try await publisher.publish(Self.payload(index), to: "bulk") }
            try await publisher.flush()
        }
        let messages = try await take(count, from: subscription, within: .seconds(60))
        try await publishing.value
        for (index, message) in messages.enumerated() {
            #expect(message.payload == Self.payload(index), "message \(index)")
        }
        #expect(subscription.dropped == 0)
        await publisher.close()
        await subscriber.close()
    }
}
