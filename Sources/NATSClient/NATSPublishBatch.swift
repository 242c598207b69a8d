package import NIOCore

/// Many publishes encoded into one buffer, for `NATSConnection.publish(_:)`
/// to queue under one lock and write at once: the publisher's cost per
/// message is then the encoding alone, not a lock, a wake-up of the event
/// loop and a socket write shared by only a few messages.
///
/// Each `append` checks its subjects as a single publish does and throws
/// before the batch changes. The server sees the messages in append order.
///
/// ```swift
/// var batch = NATSPublishBatch()
/// for reading in readings { try batch.append(reading.json, to: "sensors.\(reading.id)") }
/// try await nats.publish(batch)
/// batch.removeAll()  // reuse its storage for the next one
/// ```
package struct NATSPublishBatch: Sendable {
    /// The encoded PUB/HPUB operations.
    package private(set) var bytes: ByteBuffer
    /// Messages appended.
    package private(set) var count = 0
    /// Sum of the payload sizes (what `Statistics.outBytes` counts).
    package private(set) var payloadBytes = 0
    /// The largest payload, checked against the server's max_payload on publish.
    package private(set) var largestPayload = 0

    /// `capacity` is a hint for the encoded bytes (about 30 bytes plus the payload per message).
    package init(capacity: Int = 64 * 1024) {
        bytes = ByteBufferAllocator().buffer(capacity: capacity)
    }

    package var isEmpty: Bool { count == 0 }
    /// Encoded bytes, what the batch adds to the connection's outgoing buffer.
    package var encodedBytes: Int { bytes.readableBytes }

    /// Adds one PUB (HPUB with `headers`). Throws `.invalidArgument` for a bad
    /// subject or reply subject, leaving the batch as it was.
    package mutating func append(
        _ payload: ByteBuffer, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) throws(NATSError) {
        try NATSClientOps.validateSubject(subject, wildcardsAllowed: false)
        if let replyTo { try NATSClientOps.validateSubject(replyTo) }
        // Its only throw (a bad header) comes before it writes anything.
        try NATSClientOps.writePublish(
            subject: subject, replyTo: replyTo, headers: headers, payload: payload, into: &bytes)
        count += 1
        payloadBytes += payload.readableBytes
        largestPayload = Swift.max(largestPayload, payload.readableBytes)
    }

    package mutating func append(
        _ payload: String, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) throws(NATSError) {
        try append(ByteBuffer(string: payload), to: subject, replyTo: replyTo, headers: headers)
    }

    /// Empties the batch, keeping its storage when the connection no longer shares it.
    package mutating func removeAll() {
        bytes.clear()
        count = 0
        payloadBytes = 0
        largestPayload = 0
    }
}
