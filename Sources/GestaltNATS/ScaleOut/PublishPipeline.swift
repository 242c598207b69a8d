import Foundation
import NATSClient
import NIOCore

/// JetStream publishes with up to `window` acknowledgements outstanding, on
/// one connection, for the collector (`ClusterPublisher`): one round trip per
/// update capped it at about 730 updates/s (docs/BENCHMARKS.md).
///
/// Order: one task sends, in call order, on one connection, so nats-server
/// stores the messages in that order. Each carries a reply subject under one
/// inbox of this pipeline, and its ack is matched by that subject. Acks are
/// handed back oldest first, so the caller's position only ever moves past
/// messages the stream acknowledged. When the oldest ack does not come within
/// `timeout` (nats-server restarted, the connection dropped) or says the
/// stream refused the message, the pipeline throws: the caller starts over on
/// a new connection from the oldest unacknowledged message, in order, under
/// the same message ids, and the stream drops the ones it already had as
/// duplicates (its duplicate window is 2 minutes).
///
/// Not Sendable: the one task that publishes owns it.
final class PublishPipeline {
    struct Acked {
        /// What the caller named the message by (an update's store revision).
        let tag: UInt64
        let ack: PubAck
    }

    let connection: NATSConnection
    let window: Int
    let timeout: Duration
    private let inbox: String
    private let acks: NATSSubscription
    /// Sent and not yet handed back, oldest first: (reply token, tag).
    private var sent: [(token: UInt64, tag: UInt64)] = []
    private var oldestIndex = 0
    /// Acks that came before an older one did.
    private var early: [UInt64: NATSMessage] = [:]
    private var lastToken: UInt64 = 0

    private init(connection: NATSConnection, window: Int, timeout: Duration, inbox: String, acks: NATSSubscription) {
        self.connection = connection
        self.window = window
        self.timeout = timeout
        self.inbox = inbox
        self.acks = acks
    }

    /// A pipeline on `connection`, with its own ack inbox. `window` 1 is one acknowledged publish at a time.
    static func open(_ connection: NATSConnection, window: Int, timeout: Duration) async throws -> PublishPipeline {
        let inbox = connection.newInbox()
        let acks = try await connection.subscribe(to: "\(inbox).*")
        return PublishPipeline(
            connection: connection, window: max(1, window), timeout: timeout, inbox: inbox, acks: acks)
    }

    var inFlight: Int { sent.count - oldestIndex }

    /// Sends one message; while `window` are in flight, first waits for the
    /// oldest acks. Returns the acks taken meanwhile, oldest first.
    func send(_ payload: ByteBuffer, to subject: String, messageID: String, tag: UInt64) async throws -> [Acked] {
        var acked: [Acked] = []
        while inFlight >= window { acked.append(try await oldest()) }
        var headers = NATSHeaders()
        headers["Nats-Msg-Id"] = messageID
        lastToken += 1
        try await connection.publish(payload, to: subject, replyTo: "\(inbox).\(lastToken)", headers: headers)
        sent.append((lastToken, tag))
        return acked
    }

    /// Waits for every ack in flight; oldest first.
    func drain() async throws -> [Acked] {
        var acked: [Acked] = []
        while inFlight > 0 { acked.append(try await oldest()) }
        return acked
    }

    private func oldest() async throws -> Acked {
        let (token, tag) = sent[oldestIndex]
        while early[token] == nil {
            let message = try await nextAck(tag: tag)
            guard let got = message.subject.split(separator: ".").last.flatMap({ UInt64($0) }) else { continue }
            early[got] = message
        }
        let message = early.removeValue(forKey: token)!
        oldestIndex += 1
        if oldestIndex == sent.count {
            sent.removeAll(keepingCapacity: true)
            oldestIndex = 0
        }
        guard let ack = try? JSONDecoder().decode(PubAck.self, from: Data(message.payload.readableBytesView)) else {
            // An error answer (`{"error": ...}`), or a status with no body (no stream on the subject).
            let said = String(buffer: message.payload)
            throw NATSError(
                .jetStream,
                "JetStream refused message \(tag): \(said.isEmpty ? "status \(message.status ?? 0)" : said)")
        }
        return Acked(tag: tag, ack: ack)
    }

    /// The next ack on the inbox, or a timeout naming the message waited for.
    private func nextAck(tag: UInt64) async throws -> NATSMessage {
        var iterator = acks.makeAsyncIterator()
        // Already here: no timer needed (the common case under load).
        if acks.pendingMessages > 0, let message = await iterator.next() { return message }
        let acks = self.acks, timeout = self.timeout
        let message = try await withThrowingTaskGroup(of: NATSMessage?.self) { group in
            group.addTask {
                var iterator = acks.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let message else {
            throw NATSError(.timeout, "no acknowledgement of message \(tag) within \(timeout)")
        }
        return message
    }
}
