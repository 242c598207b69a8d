package import NATSClient

/// The JetStream subjects and streams of scale-out (docs/SCALE-OUT.md).
/// Every cluster publishes to its own subjects, but each kind of message has
/// one stream for all clusters: its sequence is then one order over every
/// cluster, and serves directly as the stream id of an edge merging several.
package struct ScaleOutNames: Sendable, Equatable {
    package let cluster: String

    /// A cluster name is one subject token: letters, digits, `-` and `_`.
    package init(cluster: String) throws(ScaleOutError) {
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

    package var topologySubject: String { "gestalt.\(cluster).topology" }
    package var eventsSubject: String { "gestalt.\(cluster).events" }
    package var checkpointSubject: String { "gestalt.\(cluster).checkpoint" }
    /// The parts of a checkpoint too large for one message (`CheckpointParts`).
    package var checkpointPartSubject: String { "gestalt.\(cluster).checkpoint-part" }
    /// Core NATS, not stored: a collector's "I am alive" (`ClusterLiveness`).
    package var heartbeatSubject: String { "gestalt.\(cluster).heartbeat" }

    package static let topologyStream = "GESTALT_TOPOLOGY"
    package static let eventsStream = "GESTALT_EVENTS"
    package static let checkpointStream = "GESTALT_CHECKPOINTS"
    package static let checkpointPartStream = "GESTALT_CHECKPOINT_PARTS"
    package static let heartbeatWildcard = "gestalt.*.heartbeat"
    package static let checkpointWildcard = "gestalt.*.checkpoint"

    /// The cluster a scale-out subject belongs to: `prod` in `gestalt.prod.topology`.
    package static func cluster(ofSubject subject: String) -> String? {
        let parts = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "gestalt" else { return nil }
        return String(parts[1])
    }

    /// Retention: updates and events for a day (an edge starting from a
    /// checkpoint replays at most one checkpoint interval of them), at most
    /// 1 GiB of updates; only the last checkpoint of each cluster, and the
    /// parts of that checkpoint when it has parts (the collector purges older
    /// parts once a newer checkpoint is stored).
    package static var streams: [StreamConfig] {
        [
            StreamConfig(
                name: topologyStream, subjects: ["gestalt.*.topology"], maxBytes: 1 << 30, maxAge: .seconds(86_400)),
            StreamConfig(
                name: eventsStream, subjects: ["gestalt.*.events"], maxMessages: 100_000, maxAge: .seconds(86_400)),
            StreamConfig(name: checkpointStream, subjects: [checkpointWildcard], maxMessagesPerSubject: 1),
            StreamConfig(name: checkpointPartStream, subjects: ["gestalt.*.checkpoint-part"]),
        ]
    }

    /// Headers of a checkpoint: the last topology and event sequences it includes.
    package static let topologySequenceHeader = "Gestalt-Topology-Seq"
    package static let eventSequenceHeader = "Gestalt-Event-Seq"
    /// Header of a stale mark older edges published on a topology subject
    /// (no body): edges now skip it, each judges the beats it hears itself.
    package static let markHeader = "Gestalt-Mark"
    /// Header of a collector's roster on its topology subject (value
    /// `entities`): the body is the JSON array of every entity id the
    /// collector holds, and edges remove the cluster's others. Sent before
    /// its first checkpoint after start: what vanished while it was down
    /// leaves every running edge.
    package static let rosterHeader = "Gestalt-Roster"
    /// Headers of a checkpoint in parts: the checkpoint's id, on the manifest
    /// and each part, and the parts' sequences in order, on the manifest.
    package static let checkpointIDHeader = "Gestalt-Checkpoint-Id"
    package static let checkpointPartsHeader = "Gestalt-Checkpoint-Parts"
}

package struct ScaleOutError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
