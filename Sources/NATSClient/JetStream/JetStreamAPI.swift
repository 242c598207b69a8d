import Foundation

/// The JSON of the `$JS.API` calls this client makes. Only the fields it uses
/// or that a caller is likely to read; unknown fields in answers are ignored.
public struct StreamConfig: Codable, Sendable, Equatable {
    public enum Storage: String, Codable, Sendable { case file, memory }
    public enum Retention: String, Codable, Sendable { case limits, interest, workqueue }

    public var name: String
    public var subjects: [String]
    public var retention: Retention
    public var storage: Storage
    /// -1 is "no limit", as the server writes it.
    public var maxMessages: Int
    public var maxBytes: Int
    /// Nanoseconds; 0 is "forever".
    public var maxAge: Int64
    public var replicas: Int
    /// Messages kept per subject (nil or -1: no limit); 1 keeps only each subject's last.
    public var maxMessagesPerSubject: Int?

    public init(
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

public struct StreamInfo: Decodable, Sendable, Equatable {
    public struct State: Decodable, Sendable, Equatable {
        public var messages: UInt64
        public var bytes: UInt64
        public var firstSequence: UInt64
        public var lastSequence: UInt64
        public var consumerCount: Int

        enum CodingKeys: String, CodingKey {
            case messages, bytes, firstSequence = "first_seq", lastSequence = "last_seq", consumerCount =
                "consumer_count"
        }
    }

    public var config: StreamConfig
    public var state: State
}

public struct ConsumerConfig: Codable, Sendable, Equatable {
    public enum AckPolicy: String, Codable, Sendable { case none, all, explicit }
    public enum DeliverPolicy: String, Codable, Sendable {
        case all, last, new
        /// From `optStartSequence` on.
        case byStartSequence = "by_start_sequence"
        /// The last message of each subject the filter matches, then everything new.
        case lastPerSubject = "last_per_subject"
    }

    public var durableName: String?
    public var ackPolicy: AckPolicy
    public var deliverPolicy: DeliverPolicy
    public var filterSubject: String?
    /// Nanoseconds before an unacknowledged message is redelivered.
    public var ackWait: Int64?
    public var maxDeliver: Int?
    public var maxAckPending: Int?
    /// The first stream sequence delivered, with `.byStartSequence`.
    public var optStartSequence: UInt64?
    /// Set: a push consumer delivering to this subject. Nil: a pull consumer.
    public var deliverSubject: String?
    public var flowControl: Bool?
    /// Nanoseconds between the server's heartbeats to an idle push consumer.
    public var idleHeartbeat: Int64?
    /// Nanoseconds an ephemeral consumer lives on without a subscriber.
    public var inactiveThreshold: Int64?
    public var memoryStorage: Bool?
    public var replicas: Int?

    public init(
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

public struct ConsumerInfo: Decodable, Sendable, Equatable {
    public struct SequencePair: Decodable, Sendable, Equatable {
        public var consumerSequence: UInt64
        public var streamSequence: UInt64

        enum CodingKeys: String, CodingKey { case consumerSequence = "consumer_seq", streamSequence = "stream_seq" }
    }

    public var streamName: String
    public var name: String
    public var config: ConsumerConfig
    public var delivered: SequencePair
    public var ackFloor: SequencePair
    /// Delivered, not yet acknowledged.
    public var numAckPending: Int
    public var numRedelivered: Int
    /// Pull requests waiting at the server.
    public var numWaiting: Int
    /// Stream messages not yet delivered to this consumer: its lag.
    public var numPending: UInt64

    enum CodingKeys: String, CodingKey {
        case streamName = "stream_name", name, config, delivered, ackFloor = "ack_floor", numAckPending =
            "num_ack_pending"
        case numRedelivered = "num_redelivered", numWaiting = "num_waiting", numPending = "num_pending"
    }
}

/// The server's answer to a publish into a stream.
public struct PubAck: Decodable, Sendable, Equatable {
    public var stream: String
    public var sequence: UInt64
    public var duplicate: Bool

    enum CodingKeys: String, CodingKey { case stream, sequence = "seq", duplicate }

    public init(from decoder: any Decoder) throws {
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
