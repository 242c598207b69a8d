import NATSClient

/// The JetStream subjects and streams of one cluster (docs/SCALE-OUT.md).
/// Each kind of message has its own stream, so the topology stream's
/// sequences are contiguous and serve directly as stream revisions.
public struct ScaleOutNames: Sendable, Equatable {
    public let cluster: String

    /// A cluster name is one subject token and part of a stream name: letters, digits, `-` and `_`.
    public init(cluster: String) throws(ScaleOutError) {
        let allowed = cluster.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                    || scalar == "_")
        }
        guard !cluster.isEmpty, cluster.count <= 64, allowed else {
            throw ScaleOutError("cluster name \(cluster.debugDescription) must be 1-64 letters, digits, '-' or '_'")
        }
        self.cluster = cluster
    }

    public var topologySubject: String { "gestalt.\(cluster).topology" }
    public var eventsSubject: String { "gestalt.\(cluster).events" }
    public var checkpointSubject: String { "gestalt.\(cluster).checkpoint" }

    public var topologyStream: String { "GESTALT_\(cluster)_TOPOLOGY" }
    public var eventsStream: String { "GESTALT_\(cluster)_EVENTS" }
    public var checkpointStream: String { "GESTALT_\(cluster)_CHECKPOINTS" }

    /// Retention: updates and events for a day (an edge starting from a
    /// checkpoint replays at most one checkpoint interval of them), at most
    /// 1 GiB of updates; only the last checkpoint.
    public var streams: [StreamConfig] {
        [
            StreamConfig(
                name: topologyStream, subjects: [topologySubject], maxBytes: 1 << 30, maxAge: .seconds(86_400)),
            StreamConfig(
                name: eventsStream, subjects: [eventsSubject], maxMessages: 100_000, maxAge: .seconds(86_400)),
            StreamConfig(name: checkpointStream, subjects: [checkpointSubject], maxMessagesPerSubject: 1),
        ]
    }

    /// Headers of a checkpoint: the last topology and event sequences it includes.
    public static let topologySequenceHeader = "Gestalt-Topology-Seq"
    public static let eventSequenceHeader = "Gestalt-Event-Seq"
}

public struct ScaleOutError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
