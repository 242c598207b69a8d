import Foundation
package import NIOCore
import Synchronization

/// Ephemeral and ordered consumers, direct reads of a subject's last message,
/// and "create the stream if missing": what a reader that keeps its own
/// position (an edge server replaying a topology stream) needs.
extension JetStream {
    /// Creates the stream unless one of that name exists; an existing stream is
    /// left as it is (its config may differ: `StreamInfo.config` says how).
    package func ensureStream(_ config: StreamConfig) async throws -> StreamInfo {
        do {
            return try await streamInfo(config.name)
        } catch let error as NATSError where error.code == .jetStream && error.message.contains("code 404") {
            do {
                return try await createStream(config)
            } catch let error as NATSError where error.code == .jetStream && error.message.contains("err_code 10058") {
                return try await streamInfo(config.name)  // another process created it in between
            }
        }
    }

    /// Creates a consumer with no durable name; the server names it and drops
    /// it after `inactiveThreshold` without a subscriber.
    package func createEphemeralConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerInfo {
        struct Request: Encodable {
            var stream_name: String
            var config: ConsumerConfig
        }
        var config = config
        config.durableName = nil
        return try await call(
            "CONSUMER.CREATE.\(stream)", body: Request(stream_name: stream, config: config), answer: ConsumerInfo.self)
    }

    package func deleteConsumer(stream: String, name: String) async throws {
        struct Deleted: Decodable { var success: Bool }
        _ = try await call("CONSUMER.DELETE.\(stream).\(name)", body: nil as StreamConfig?, answer: Deleted.self)
    }

    /// The last message stored on `subject`, or nil when the stream has none there.
    package func lastMessage(stream: String, subject: String) async throws -> StoredMessage? {
        struct Request: Encodable { var last_by_subj: String }
        return try await storedMessage(stream: stream, Request(last_by_subj: subject))
    }

    /// The message stored at `sequence`, or nil when the stream has none
    /// there (never stored, deleted, purged or aged out).
    package func message(stream: String, sequence: UInt64) async throws -> StoredMessage? {
        struct Request: Encodable { var seq: UInt64 }
        return try await storedMessage(stream: stream, Request(seq: sequence))
    }

    /// Removes the messages on `subject` below stream sequence `keepingFrom`,
    /// or all of them when it is nil (`STREAM.PURGE` with a filter); returns
    /// how many went.
    @discardableResult
    package func purge(stream: String, subject: String, keepingFrom: UInt64?) async throws -> UInt64 {
        struct Request: Encodable {
            var filter: String
            var seq: UInt64?
        }
        struct Purged: Decodable { var purged: UInt64 }
        // The server reads a `seq` of 0 or 1 as no `seq` at all, and purges
        // everything on the subject; below 1 there is nothing to purge.
        if let keepingFrom, keepingFrom <= 1 { return 0 }
        return try await call(
            "STREAM.PURGE.\(stream)", body: Request(filter: subject, seq: keepingFrom), answer: Purged.self
        ).purged
    }

    /// `STREAM.MSG.GET` with `request`; nil when no message matches.
    private func storedMessage(stream: String, _ request: some Encodable) async throws -> StoredMessage? {
        let answer: MessageGetAnswer
        do {
            answer = try await call("STREAM.MSG.GET.\(stream)", body: request, answer: MessageGetAnswer.self)
        } catch let error as NATSError where error.code == .jetStream && error.message.contains("err_code 10037") {
            return nil  // no message found
        }
        let raw = answer.message
        let headers = try raw.hdrs.flatMap { Data(base64Encoded: $0) }.map { bytes throws(NATSError) in
            try NATSHeaders.parse(ByteBuffer(bytes: bytes))
        }
        return StoredMessage(
            subject: raw.subject, sequence: raw.seq, headers: headers,
            payload: ByteBuffer(bytes: raw.data.flatMap { Data(base64Encoded: $0) } ?? Data()))
    }

    /// Hands `onMessage` every message of `stream` matching `filterSubject`
    /// from stream sequence `startSequence` on, in order and each once, until
    /// the task is cancelled. An ordered consumer (see `OrderedConsumerState`):
    /// a gap, a consumer the server lost (a server restart) or `heartbeat`×3
    /// of silence re-creates it where the last delivered message left off.
    /// An error thrown by `onMessage` ends the call with that error.
    package func consumeOrdered(
        stream: String, filterSubject: String?, from startSequence: UInt64, heartbeat: Duration = .seconds(2),
        onMessage: (JetStreamMessage) async throws -> Void
    ) async throws {
        var state = OrderedConsumerState(startSequence: startSequence)
        var failures = 0
        while !Task.isCancelled {
            let inbox = connection.newInbox()
            let subscription = try await connection.subscribe(to: inbox)
            var config = ConsumerConfig(
                durableName: nil, ackPolicy: .none, deliverPolicy: .byStartSequence, filterSubject: filterSubject,
                maxDeliver: 1)
            config.optStartSequence = state.nextStreamSequence
            config.deliverSubject = inbox
            config.flowControl = true
            config.idleHeartbeat = heartbeat.nanoseconds
            config.inactiveThreshold = Duration.seconds(300).nanoseconds
            config.memoryStorage = true
            config.replicas = 1
            let consumer: ConsumerInfo
            do {
                consumer = try await createEphemeralConsumer(stream: stream, config)
                failures = 0
            } catch {
                try? await subscription.unsubscribe()
                if Task.isCancelled { return }
                failures += 1
                // The server is down or restarting: try again, backing off to 2 s.
                try await Task.sleep(for: .milliseconds(min(2000, 100 * failures)))
                continue
            }
            state.restarted()
            let lastActivity = LastActivity()
            // Silence past three heartbeats: the consumer is gone (server
            // restarted, connection lost); end the subscription to re-create it.
            let watchdog = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: heartbeat)
                    if ContinuousClock.now - lastActivity.instant.withLock({ $0 }) > heartbeat * 3 {
                        try? await subscription.unsubscribe()
                        return
                    }
                }
            }
            defer { watchdog.cancel() }
            loop: for await message in subscription {
                lastActivity.instant.withLock { $0 = .now }
                let wrapped = JetStreamMessage(message: message, connection: connection)
                let metadata = message.status == nil ? wrapped.metadata : nil
                let action = state.receive(
                    status: message.status, replyTo: message.replyTo, streamSequence: metadata?.streamSequence,
                    consumerSequence: metadata?.consumerSequence,
                    lastConsumerSequence: message.headers?["Nats-Last-Consumer"].flatMap { UInt64($0) },
                    stalled: message.headers?["Nats-Consumer-Stalled"])
                switch action {
                case .deliver:
                    do {
                        try await onMessage(wrapped)
                    } catch {
                        watchdog.cancel()
                        try? await subscription.unsubscribe()
                        try? await deleteConsumer(stream: stream, name: consumer.name)
                        throw error
                    }
                case .replyFlowControl(let subject):
                    try? await connection.publish(ByteBuffer(), to: subject)
                case .heartbeat, .ignore:
                    continue
                case .reset:
                    break loop
                }
            }
            watchdog.cancel()
            try? await subscription.unsubscribe()
            try? await deleteConsumer(stream: stream, name: consumer.name)
        }
    }
}

/// When the consumer last heard from the server; shared with its watchdog.
private final class LastActivity: Sendable {
    let instant = Mutex(ContinuousClock.now)
}

/// A message read from a stream by sequence or subject (not delivered by a consumer).
/// `STREAM.MSG.GET`'s answer: headers and body in base64.
private struct MessageGetAnswer: Decodable {
    struct Raw: Decodable {
        var subject: String
        var seq: UInt64
        var hdrs: String?
        var data: String?
    }
    var message: Raw
}

package struct StoredMessage: Sendable, Equatable {
    package var subject: String
    package var sequence: UInt64
    package var headers: NATSHeaders?
    package var payload: ByteBuffer
}

extension JetStream {
    /// The subjects of `stream` matching `filter` (wildcards allowed), each
    /// with how many messages it holds: `STREAM.INFO` with `subjects_filter`.
    package func subjects(stream: String, filter: String) async throws -> [String: UInt64] {
        struct Request: Encodable { var subjects_filter: String }
        struct Answer: Decodable {
            struct State: Decodable { var subjects: [String: UInt64]? }
            var state: State
        }
        let answer = try await call(
            "STREAM.INFO.\(stream)", body: Request(subjects_filter: filter), answer: Answer.self)
        return answer.state.subjects ?? [:]
    }
}
