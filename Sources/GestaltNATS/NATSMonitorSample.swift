/// One read of the server's monitoring endpoints: the fields the mapping
/// uses, decoded from `/varz`, `/connz?subs=1`, `/subsz?subs=1` and
/// `/jsz?streams=true&consumers=true&config=true`.
struct NATSMonitorSample: Sendable {
    struct Varz: Decodable, Sendable {
        var serverID: String
        var serverName: String?
        var version: String
        var connections: Int
        var inMsgs: Int64
        var outMsgs: Int64
        var inBytes: Int64
        var outBytes: Int64
        var slowConsumers: Int64
        var mem: Int64?
        var cpu: Double?

        enum CodingKeys: String, CodingKey {
            case serverID = "server_id", serverName = "server_name", version, connections
            case inMsgs = "in_msgs", outMsgs = "out_msgs", inBytes = "in_bytes", outBytes = "out_bytes"
            case slowConsumers = "slow_consumers", mem, cpu
        }
    }

    struct Connz: Decodable, Sendable {
        struct Client: Decodable, Sendable {
            var cid: UInt64
            var ip: String?
            var port: Int?
            var name: String?
            var lang: String?
            var pendingBytes: Int64
            var inMsgs: Int64
            var outMsgs: Int64
            var inBytes: Int64
            var outBytes: Int64
            var subscriptions: Int
            var subscriptionsList: [String]?

            enum CodingKeys: String, CodingKey {
                case cid, ip, port, name, lang, subscriptions
                case pendingBytes = "pending_bytes", inMsgs = "in_msgs", outMsgs = "out_msgs"
                case inBytes = "in_bytes", outBytes = "out_bytes", subscriptionsList = "subscriptions_list"
            }
        }

        var connections: [Client]?
    }

    struct Subsz: Decodable, Sendable {
        struct Subscription: Decodable, Sendable {
            var subject: String
            var msgs: Int64?
            var cid: UInt64?
        }

        var subscriptionsList: [Subscription]?

        enum CodingKeys: String, CodingKey { case subscriptionsList = "subscriptions_list" }
    }

    struct Jsz: Decodable, Sendable {
        struct Account: Decodable, Sendable {
            var name: String
            var streamDetail: [Stream]?

            enum CodingKeys: String, CodingKey { case name, streamDetail = "stream_detail" }
        }

        struct Stream: Decodable, Sendable {
            struct Config: Decodable, Sendable { var subjects: [String]? }
            struct State: Decodable, Sendable {
                var messages: Int64
                var bytes: Int64
                var consumerCount: Int

                enum CodingKeys: String, CodingKey { case messages, bytes, consumerCount = "consumer_count" }
            }

            var name: String
            var config: Config?
            var state: State
            var consumerDetail: [Consumer]?

            enum CodingKeys: String, CodingKey { case name, config, state, consumerDetail = "consumer_detail" }
        }

        struct Consumer: Decodable, Sendable {
            var name: String
            var numAckPending: Int64
            var numRedelivered: Int64
            var numWaiting: Int64
            var numPending: Int64

            enum CodingKeys: String, CodingKey {
                case name, numAckPending = "num_ack_pending", numRedelivered = "num_redelivered"
                case numWaiting = "num_waiting", numPending = "num_pending"
            }
        }

        var accountDetails: [Account]?

        enum CodingKeys: String, CodingKey { case accountDetails = "account_details" }
    }

    var varz: Varz
    var connz: Connz
    var subsz: Subsz
    /// nil when JetStream is off (the endpoint answers, with nothing in it).
    var jsz: Jsz?
    var takenAt: ContinuousClock.Instant
}
