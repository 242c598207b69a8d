import NIOCore
import TestPeers
import Testing

@testable import NATSClient

/// Payloads are decoded as slices of the read buffer, then packed per read
/// into chunks of one subscription each (`NATSPayloadPacking`): the bytes
/// stay intact, and a kept message pins at most a chunk.
@Suite struct PayloadPackingTests {
    /// A payload's storage object: equal for payloads sharing one allocation.
    private func storage(_ buffer: ByteBuffer) -> UInt {
        buffer.withUnsafeReadableBytesWithStorageManagement { UInt(bitPattern: $1.toOpaque()) }
    }

    private func payload(_ index: Int, size: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        for offset in 0..<size { buffer.writeInteger(UInt8(truncatingIfNeeded: index &* 7 &+ offset)) }
        return buffer
    }

    /// Decodes `wire` fed in reads of `readSize` bytes, packing after each read as the channel handler does.
    private func decode(_ wire: ByteBuffer, readSize: Int) throws -> [NATSMessage] {
        let processor = NIOSingleStepByteToMessageProcessor(NATSServerOpDecoder())
        var messages: [NATSMessage] = []
        var rest = wire
        while rest.readableBytes > 0 {
            let read = rest.readSlice(length: min(readSize, rest.readableBytes))!
            let unpacked = messages.count
            try processor.process(buffer: read) { op in
                if case .message(let message) = op { messages.append(message) }
            }
            NATSPayloadPacking.pack(&messages, from: unpacked, allocator: ByteBufferAllocator())
        }
        return messages
    }

    @Test(arguments: [7, 1000, 64 * 1024, 1 << 20])
    func payloadsSplitAcrossReadsArriveIntact(readSize: Int) throws {
        // Sizes around the chunk bound, and one far above it, in runs of two subscriptions.
        let sizes = [
            0, 1, 128, 5000, NATSPayloadPacking.chunkBytes, NATSPayloadPacking.chunkBytes + 1, 70_000, 128, 128,
        ]
        var wire = ByteBuffer()
        var expected: [(sid: UInt64, payload: ByteBuffer)] = []
        for index in 0..<90 {
            let sid: UInt64 = index % 30 < 20 ? 1 : 2
            let body = payload(index, size: sizes[index % sizes.count])
            wire.writeString("MSG s.\(sid) \(sid) \(body.readableBytes)\r\n")
            wire.writeImmutableBuffer(body)
            wire.writeString("\r\n")
            expected.append((sid, body))
        }
        let messages = try decode(wire, readSize: readSize)
        try #require(messages.count == expected.count)
        for (message, want) in zip(messages, expected) {
            #expect(message.sid == want.sid && message.payload == want.payload)
        }
        // Every allocation holds one subscription's payloads only, within a
        // chunk, unless it holds a single larger payload.
        var byStorage: [UInt: [NATSMessage]] = [:]
        for message in messages where message.payload.readableBytes > 0 {
            byStorage[storage(message.payload), default: []].append(message)
        }
        for group in byStorage.values {
            #expect(Set(group.map(\.sid)).count == 1)
            let bytes = group.reduce(0) { $0 + $1.payload.readableBytes }
            #expect(group.count == 1 || bytes <= NATSPayloadPacking.chunkBytes)
            // NIO rounds an allocation up to a power of two.
            #expect(group[0].payload.storageCapacity <= max(NATSPayloadPacking.chunkBytes, 2 * bytes))
        }
    }

    @Test func smallPayloadsOfOneReadShareChunks() throws {
        var wire = ByteBuffer()
        for index in 0..<1000 {
            wire.writeString("MSG bench 9 128\r\n")
            wire.writeImmutableBuffer(payload(index, size: 128))
            wire.writeString("\r\n")
        }
        let messages = try decode(wire, readSize: wire.readableBytes)
        let chunks = Set(messages.map { storage($0.payload) })
        // 128,000 payload bytes in chunks of 16 KiB: 8 allocations, not 1000.
        #expect(chunks.count == (1000 * 128 + NATSPayloadPacking.chunkBytes - 1) / NATSPayloadPacking.chunkBytes)
        #expect(messages.enumerated().allSatisfy { $0.element.payload == payload($0.offset, size: 128) })
    }

    @Test func mixedSizesRoundTripThroughARealServer() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        let subscription = try await nats.subscribe(to: "sizes")
        try await nats.flush()
        let sizes = [0, 3, 128, 4000, 17_000, 100_000, 128, 128, 128]
        var batch = NATSPublishBatch()
        for index in 0..<300 { try batch.append(payload(index, size: sizes[index % sizes.count]), to: "sizes") }
        try await nats.publish(batch)
        let messages = try await take(300, from: subscription)
        #expect(
            messages.enumerated().allSatisfy {
                $0.element.payload == payload($0.offset, size: sizes[$0.offset % sizes.count])
            })
        await nats.close()
    }
}
