package import NIOCore

/// A message fetched from a pull consumer, with its delivery metadata and acks.
package struct JetStreamMessage: Sendable {
    /// Where it sits, read from the `$JS.ACK...` reply subject the server set.
    package struct Metadata: Sendable, Equatable {
        package var stream: String
        package var consumer: String
        package var deliveries: UInt64
        package var streamSequence: UInt64
        package var consumerSequence: UInt64
        /// Messages still pending for the consumer after this one.
        package var pending: UInt64
    }

    package let message: NATSMessage
    private let connection: NATSConnection

    init(message: NATSMessage, connection: NATSConnection) {
        self.message = message
        self.connection = connection
    }

    package var subject: String { message.subject }
    package var payload: ByteBuffer { message.payload }
    package var headers: NATSHeaders? { message.headers }

    /// nil when the reply subject is not a JetStream ack subject.
    package var metadata: Metadata? {
        guard let reply = message.replyTo else { return nil }
        let tokens = reply.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count >= 9, tokens[0] == "$JS", tokens[1] == "ACK" else { return nil }
        // v1: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
        // v2: $JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>[.<token>]
        let base = tokens.count == 9 ? 2 : 4
        guard tokens.count >= base + 7,
            let deliveries = UInt64(tokens[base + 2]), let streamSequence = UInt64(tokens[base + 3]),
            let consumerSequence = UInt64(tokens[base + 4]), let pending = UInt64(tokens[base + 6])
        else { return nil }
        return Metadata(
            stream: String(tokens[base]), consumer: String(tokens[base + 1]), deliveries: deliveries,
            streamSequence: streamSequence, consumerSequence: consumerSequence, pending: pending)
    }

    /// Acknowledges and waits for the server to confirm it recorded the ack.
    package func ack() async throws { try await confirm("+ACK") }
    /// Asks for redelivery.
    package func nak() async throws { try await send("-NAK") }
    /// Asks for more time before redelivery.
    package func inProgress() async throws { try await send("+WPI") }
    /// Never redeliver.
    package func terminate() async throws { try await send("+TERM") }

    private func send(_ verb: String) async throws {
        guard let reply = message.replyTo else {
            throw NATSError(.invalidArgument, "message has no reply subject to ack on")
        }
        try await connection.publish(verb, to: reply)
    }

    private func confirm(_ verb: String) async throws {
        guard let reply = message.replyTo else {
            throw NATSError(.invalidArgument, "message has no reply subject to ack on")
        }
        _ = try await connection.request(verb, to: reply)
    }
}
