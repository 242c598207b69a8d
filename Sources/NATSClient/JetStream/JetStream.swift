import Foundation
package import NIOCore

/// JetStream basics over a `NATSConnection`: streams, durable pull consumers,
/// publish with acknowledgement, fetch with ack. Every call is a request to
/// the `$JS.API` subjects with JSON in and out.
///
/// ```swift
/// let js = JetStream(connection)
/// _ = try await js.createStream(StreamConfig(name: "ORDERS", subjects: ["orders.>"]))
/// let ack = try await js.publish("one", to: "orders.new")          // PubAck(stream: "ORDERS", sequence: 1)
/// _ = try await js.createConsumer(stream: "ORDERS", ConsumerConfig(durableName: "worker"))
/// for message in try await js.fetch(stream: "ORDERS", consumer: "worker", batch: 10) {
///     try await message.ack()
/// }
/// ```
package struct JetStream: Sendable {
    package let connection: NATSConnection
    package let apiPrefix: String
    /// How long each API call waits for its answer.
    package var timeout: Duration

    package init(_ connection: NATSConnection, apiPrefix: String = "$JS.API", timeout: Duration = .seconds(5)) {
        self.connection = connection
        self.apiPrefix = apiPrefix
        self.timeout = timeout
    }

    /// Publishes into a stream and waits for its acknowledgement. `messageID`
    /// (header `Nats-Msg-Id`) lets the stream drop duplicates.
    /// Throws `.noResponders` when no stream listens on `subject`.
    package func publish(
        _ payload: ByteBuffer, to subject: String, headers: NATSHeaders? = nil, messageID: String? = nil
    ) async throws -> PubAck {
        var headers = headers
        if let messageID {
            if headers == nil { headers = NATSHeaders() }
            headers?["Nats-Msg-Id"] = messageID
        }
        let reply = try await connection.request(payload, to: subject, headers: headers, timeout: timeout)
        return try decode(PubAck.self, from: reply, call: "publish to \(subject)")
    }

    package func publish(_ payload: String, to subject: String, messageID: String? = nil) async throws -> PubAck {
        try await publish(ByteBuffer(string: payload), to: subject, messageID: messageID)
    }

    package func createStream(_ config: StreamConfig) async throws -> StreamInfo {
        try await call("STREAM.CREATE.\(config.name)", body: config, answer: StreamInfo.self)
    }

    package func streamInfo(_ name: String) async throws -> StreamInfo {
        try await call("STREAM.INFO.\(name)", body: nil as StreamConfig?, answer: StreamInfo.self)
    }

    package func deleteStream(_ name: String) async throws {
        struct Deleted: Decodable { var success: Bool }
        _ = try await call("STREAM.DELETE.\(name)", body: nil as StreamConfig?, answer: Deleted.self)
    }

    /// Creates (or, with the same config, finds) a durable pull consumer.
    package func createConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerInfo {
        struct Request: Encodable {
            var stream_name: String
            var config: ConsumerConfig
        }
        guard let durable = config.durableName else {
            throw NATSError(.invalidArgument, "only durable consumers are supported; set durableName")
        }
        return try await call(
            "CONSUMER.DURABLE.CREATE.\(stream).\(durable)", body: Request(stream_name: stream, config: config),
            answer: ConsumerInfo.self)
    }

    package func consumerInfo(stream: String, name: String) async throws -> ConsumerInfo {
        try await call("CONSUMER.INFO.\(stream).\(name)", body: nil as StreamConfig?, answer: ConsumerInfo.self)
    }

    /// Pulls up to `batch` messages from a pull consumer, waiting at most
    /// `expires` for them (the server ends the pull with a 408 then, or a 404
    /// at once with `noWait` when nothing is there). Acknowledge each one.
    package func fetch(
        stream: String, consumer: String, batch: Int, expires: Duration = .seconds(1), noWait: Bool = false
    ) async throws -> [JetStreamMessage] {
        struct Pull: Encodable {
            var batch: Int
            var expires: Int64?
            var no_wait: Bool?
        }
        let inbox = connection.newInbox()
        let subscription = try await connection.subscribe(to: inbox)
        let pull = Pull(batch: batch, expires: noWait ? nil : expires.nanoseconds, no_wait: noWait ? true : nil)
        try await connection.publish(
            ByteBuffer(bytes: try JSONEncoder().encode(pull)),
            to: "\(apiPrefix).CONSUMER.MSG.NEXT.\(stream).\(consumer)", replyTo: inbox)
        // Should the server's 408 never come (the connection dropped), end the wait ourselves.
        let watchdog = Task {
            try await Task.sleep(for: expires + timeout)
            try await subscription.unsubscribe()
        }
        defer { watchdog.cancel() }
        var messages: [JetStreamMessage] = []
        for await message in subscription {
            switch message.status {
            case nil:
                messages.append(JetStreamMessage(message: message, connection: connection))
            case 100:
                continue  // idle heartbeat
            case 404, 408, 409:
                break  // no messages, pull expired, or limits reached: the pull is over
            default:
                try? await subscription.unsubscribe()
                throw NATSError(
                    .jetStream,
                    "fetch from \(stream)/\(consumer): status \(message.status ?? 0) \(message.headers?.statusDescription ?? "")"
                )
            }
            if message.status != nil || messages.count >= batch { break }
        }
        try? await subscription.unsubscribe()
        return messages
    }

    // MARK: Plumbing

    func call<Body: Encodable, Answer: Decodable>(
        _ api: String, body: Body?, answer: Answer.Type
    ) async throws -> Answer {
        let payload = try body.map { ByteBuffer(bytes: try JSONEncoder().encode($0)) } ?? ByteBuffer()
        let reply: NATSMessage
        do {
            reply = try await connection.request(payload, to: "\(apiPrefix).\(api)", timeout: timeout)
        } catch let error as NATSError where error.code == .noResponders {
            throw NATSError(.jetStream, "no JetStream answers on \(apiPrefix) (is the server running with -js?)")
        }
        return try decode(answer, from: reply, call: api)
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, from reply: NATSMessage, call: String) throws -> Answer
    {
        let data = Data(reply.payload.readableBytesView)
        if let envelope = try? JSONDecoder().decode(JetStreamErrorEnvelope.self, from: data), let error = envelope.error
        {
            throw NATSError(
                .jetStream,
                "\(call): \(error.description ?? "error") (code \(error.code), err_code \(error.errCode ?? 0))")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw NATSError(
                .jetStream,
                "\(call): unexpected answer \(String(decoding: data.prefix(200), as: UTF8.self).debugDescription)")
        }
    }
}
