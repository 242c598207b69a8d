import Foundation

/// The JSON of the `$JS.API` calls this client makes. Only the fields it uses
/// or that a caller is likely to read; unknown fields in answers are ignored.
package struct StreamConfig: Codable, Sendable, Equatable {
    package enum Storage: String, Codable, Sendable { case file, memory }
    package enum Retention: String, Codable, Sendable { case limits, interest, workqueue }

    package var name: String
    package var subjects: [String]
    package var retention: Retention
    package var storage: Storage
    /// -1 is "no limit", as the server writes it.
    package var maxMessages: Int
    package var maxBytes: Int
    /// Nanoseconds; 0 is "forever".
    package var maxAge: Int64
    package var replicas: Int
    /// Messages kept per subject (nil or -1: no limit); 1 keeps only each subject's last.
    package var maxMessagesPerSubject: Int?

    package init(
        name: String, subjects: [String], retention: Retention = .limits, storage: Storage = .file,
        maxMessages: Int = -1, maxBytes: Int = -1, maxAge: Duration = .zero, replicas: Int = 1,
        maxMessagesPerSubject: Int? = nil
    ) {
        self.name = name
        self.subjects = subjects
        self.retention = retention
        self.storage = storage
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.maxAge = maxAge.nanoseconds
        self.replicas = replicas
        self.maxMessagesPerSubject = maxMessagesPerSubject
    }

    enum CodingKeys: String, CodingKey {
        case name, subjects, retention, storage, maxMessages = "max_msgs", maxBytes = "max_bytes", maxAge = "max_age"
        case replicas = "num_replicas", maxMessagesPerSubject = "max_msgs_per_subject"
    }
}

package struct StreamInfo: Decodable, Sendable, Equatable {
    package struct State: Decodable, Sendable, Equatable {
        package var messages: UInt64
        package var bytes: UInt64
        package var firstSequence: UInt64
        package var lastSequence: UInt64
        package var consumerCount: Int

        enum CodingKeys: String, CodingKey {
            case messages, bytes, firstSequence = "first_seq", lastSequence = "last_seq", consumerCount =
                "consumer_count"
        }
    }

    package var config: StreamConfig
    package var state: State
}

package struct ConsumerConfig: Codable, Sendable, Equatable {
    package enum AckPolicy: String, Codable, Sendable { case none, all, explicit }
    package enum DeliverPolicy: String, Codable, Sendable {
        case all, last, new
        /// From `optStartSequence` on.
        case byStartSequence = "by_start_sequence"
        /// The last message of each subject the filter matches, then everything new.
        case lastPerSubject = "last_per_subject"
    }

    package var durableName: String?
    package var ackPolicy: AckPolicy
    package var deliverPolicy: DeliverPolicy
    package var filterSubject: String?
    /// Nanoseconds before an unacknowledged message is redelivered.
    package var ackWait: Int64?
    package var maxDeliver: Int?
    package var maxAckPending: Int?
    /// The first stream sequence delivered, with `.byStartSequence`.
    package var optStartSequence: UInt64?
    /// Set: a push consumer delivering to this subject. Nil: a pull consumer.
    package var deliverSubject: String?
    package var flowControl: Bool?
    /// Nanoseconds between the server's heartbeats to an idle push consumer.
    package var idleHeartbeat: Int64?
    /// Nanoseconds an ephemeral consumer lives on without a subscriber.
    package var inactiveThreshold: Int64?
    package var memoryStorage: Bool?
    package var replicas: Int?

    package init(
        durableName: String?, ackPolicy: AckPolicy = .explicit, deliverPolicy: DeliverPolicy = .all,
        filterSubject: String? = nil, ackWait: Duration? = nil, maxDeliver: Int? = nil, maxAckPending: Int? = nil
    ) {
        self.durableName = durableName
        self.ackPolicy = ackPolicy
        self.deliverPolicy = deliverPolicy
        self.filterSubject = filterSubject
        self.ackWait = ackWait?.nanoseconds
        self.maxDeliver = maxDeliver
        self.maxAckPending = maxAckPending
    }

    enum CodingKeys: String, CodingKey {
        case durableName = "durable_name", ackPolicy = "ack_policy", deliverPolicy = "deliver_policy"
        case filterSubject = "filter_subject", ackWait = "ack_wait", maxDeliver = "max_deliver", maxAckPending =
            "max_ack_pending"
        case optStartSequence = "opt_start_seq", deliverSubject = "deliver_subject", flowControl = "flow_control"
        case idleHeartbeat = "idle_heartbeat", inactiveThreshold = "inactive_threshold", memoryStorage = "mem_storage"
        case replicas = "num_replicas"
    }
}

package struct ConsumerInfo: Decodable, Sendable, Equatable {
    package struct SequencePair: Decodable, Sendable, Equatable {
        package var consumerSequence: UInt64
        package var streamSequence: UInt64

        enum CodingKeys: String, CodingKey { case consumerSequence = "consumer_seq", streamSequence = "stream_seq" }
    }

    package var streamName: String
    package var name: String
    package var config: ConsumerConfig
    package var delivered: SequencePair
    package var ackFloor: SequencePair
    /// Delivered, not yet acknowledged.
    package var numAckPending: Int
    package var numRedelivered: Int
    /// Pull requests waiting at the server.
    package var numWaiting: Int
    /// Stream messages not yet delivered to this consumer: its lag.
    package var numPending: UInt64

    enum CodingKeys: String, CodingKey {
        case streamName = "stream_name", name, config, delivered, ackFloor = "ack_floor", numAckPending =
            "num_ack_pending"
        case numRedelivered = "num_redelivered", numWaiting = "num_waiting", numPending = "num_pending"
    }
}

/// The server's answer to a publish into a stream.
package struct PubAck: Decodable, Sendable, Equatable {
    package var stream: String
    package var sequence: UInt64
    package var duplicate: Bool

    enum CodingKeys: String, CodingKey { case stream, sequence = "seq", duplicate }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
    }
}

/// `{"error": {"code": 404, "err_code": 10059, "description": "stream not found"}}`, present in any failed answer.
struct JetStreamErrorEnvelope: Decodable {
    struct Body: Decodable {
        var code: Int
        var errCode: Int?
        var description: String?

        enum CodingKeys: String, CodingKey { case code, errCode = "err_code", description }
    }

    var error: Body?
}
