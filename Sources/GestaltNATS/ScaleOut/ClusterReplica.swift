import Foundation
package import GestaltEngine
import GestaltModel
package import Logging
package import NATSClient
import NIOCore
import Synchronization

/// `gestalt edge`: fills a fresh store from the clusters' JetStream streams.
/// It starts from the last checkpoint of each cluster shown
/// (`ClusterReplica+Restore`), then applies every topology update after them
/// under its stream sequence as the revision. One stream carries every
/// cluster, so every edge numbers the same update the same way whatever the
/// clusters it shows (docs/SCALE-OUT.md), and records events under their own
/// stream's sequence. Ids carry their cluster (`ClusterIDs`).
package final class ClusterReplica: Sendable {
    package let store: TopologyStore
    /// The clusters shown; nil shows every cluster on the stream.
    package let clusters: Set<String>?
    let statusBoard: SourceStatusBoard?
    let logger: Logger
    /// Which cluster each entity came from: a stale mark covers one cluster.
    let owners = Mutex<[String: String]>([:])
    let liveness: Mutex<ClusterLiveness<ContinuousClock.Instant>>
    /// The last topology stream sequence read, shown or not: the next one
    /// must follow it, or messages aged out of the stream (a gap).
    let position = Mutex<UInt64>(0)

    /// The name this replica reports under on /api/sources and /readyz.
    package var statusName: String {
        guard let clusters else { return "jetstream" }
        return "jetstream \(clusters.sorted().joined(separator: ","))"
    }

    /// `store` must be fresh (its starting counter 0): the checkpoints are restored into it.
    /// `staleAfter`: how long a cluster's collector may be silent before its entities go stale.
    package init(
        store: TopologyStore, clusters: Set<String>?, staleAfter: Duration = .seconds(5),
        statusBoard: SourceStatusBoard?, logger: Logger = Logger(label: "gestalt.edge")
    ) {
        self.store = store
        self.clusters = clusters
        self.liveness = Mutex(ClusterLiveness(deadline: staleAfter))
        self.statusBoard = statusBoard
        self.logger = logger
    }

    func shows(_ cluster: String) -> Bool { clusters?.contains(cluster) ?? true }

    /// An edge's revision for a topology stream sequence: the sequence times
    /// 2^20. The room between two sequences holds the edge's own stale marks
    /// while NATS is down (`ClusterReplica+Liveness`); every edge numbers
    /// them alike (same map, same id order), and a stream id is the same on
    /// every edge. 2^33 sequences stay below 2^53, exact in JavaScript.
    package static func revision(ofSequence sequence: UInt64) -> UInt64 { sequence << 20 }
    package static func sequence(ofRevision revision: UInt64) -> UInt64 { revision >> 20 }
    /// Past it, revisions exceed 2^53 (logged once, when a sequence passes it).
    static let largestExactSequence: UInt64 = 1 << 33

    /// Runs until cancelled; a lost connection or server is retried, and a
    /// gap (messages aged out of the stream before this edge read them)
    /// starts again from the latest checkpoints.
    package func run(options: NATSConnectionOptions) async {
        statusBoard?.set(statusName, .syncing, message: "connecting to NATS")
        // Run again after a stop (same store): go on from where it stood.
        var restore = position.withLock { $0 } == 0
        var gapAccepted = false
        while !Task.isCancelled {
            do {
                let connection = try await NATSConnection.connect(options)
                defer { Task { await connection.close() } }
                let js = JetStream(connection)
                _ = try await ScaleOutStreams.ensure(js, logger: logger)
                if restore {
                    try await restoreCheckpoints(js)
                    restore = false
                    // The checkpoints themselves are older than what the stream
                    // keeps: starting again would not help. Follow on, said once.
                    let first = try await js.streamInfo(ScaleOutNames.topologyStream).state.firstSequence
                    gapAccepted = first > position.withLock { $0 } + 1
                    if gapAccepted {
                        logger.error(
                            "the topology stream starts at \(first), after the checkpoints: updates in between are lost"
                        )
                    }
                }
                try await follow(js, acceptingGap: gapAccepted)
            } catch let gap as RetentionGap {
                logger.warning("\(gap); starting again from the latest checkpoints")
                statusBoard?.set(statusName, .syncing, message: "\(gap)")
                restore = true
            } catch is CancellationError {
                return
            } catch {
                statusBoard?.set(statusName, .error, message: "\(error)")
                logger.warning("cluster replica: \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Applies the topology and event streams from where the store stands,
    /// and judges the collectors' heartbeats, until cancelled.
    func follow(_ js: JetStream, acceptingGap: Bool) async throws {
        let target = try await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence
        let start = position.withLock { $0 } + 1
        if start > target {
            reportFollowing()
        } else {
            statusBoard?.set(statusName, .syncing, message: "catching up to sequence \(target)")
        }
        let events = try await js.streamInfo(ScaleOutNames.eventsStream).state
        // Events: the last `retainedEvents` of them, or from where this store left off.
        let retained = UInt64(store.configuration.retainedEvents)
        let eventStart =
            store.eventSeq > 0
            ? store.eventSeq + 1
            : max(events.firstSequence, events.lastSequence >= retained ? events.lastSequence - retained + 1 : 1)
        let beats = try await js.connection.subscribe(to: ScaleOutNames.heartbeatWildcard)
        defer { Task { try? await beats.unsubscribe() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // One stream holds every cluster's updates and nothing else,
                // read unfiltered: its sequences have no gaps, so a gap is
                // messages that aged out (or were purged) before this edge
                // read them, and the store would silently miss them.
                var expected = start
                var gapAccepted = acceptingGap
                try await js.consumeOrdered(stream: ScaleOutNames.topologyStream, filterSubject: nil, from: start) {
                    message in
                    guard let sequence = message.metadata?.streamSequence else { return }
                    if sequence != expected {
                        guard gapAccepted else { throw RetentionGap(expected: expected, arrived: sequence) }
                    }
                    gapAccepted = false
                    expected = sequence + 1
                    self.position.withLock { $0 = sequence }
                    if sequence == Self.largestExactSequence + 1 {
                        self.logger.warning(
                            "topology sequence \(sequence) passed 2^33: ids now exceed 2^53, which JavaScript clients cannot hold exactly"
                        )
                    }
                    if let cluster = ScaleOutNames.cluster(ofSubject: message.subject), self.shows(cluster) {
                        if message.headers?[ScaleOutNames.rosterHeader] != nil {
                            self.applyRoster(message.payload, cluster: cluster, sequence: sequence)
                        } else if message.headers?[ScaleOutNames.markHeader] != nil {
                            // An older edge's mark: each edge judges the beats it hears itself.
                            self.logger.debug("topology sequence \(sequence): a published stale mark; skipped")
                        } else {
                            self.apply(message.payload, cluster: cluster, sequence: sequence)
                        }
                    }
                    if sequence == target { self.reportFollowing() }
                }
            }
            group.addTask {
                try await js.consumeOrdered(stream: ScaleOutNames.eventsStream, filterSubject: nil, from: eventStart) {
                    message in
                    guard let sequence = message.metadata?.streamSequence else { return }
                    guard let cluster = ScaleOutNames.cluster(ofSubject: message.subject), self.shows(cluster) else {
                        self.store.skipEvent(seq: sequence)
                        return
                    }
                    // Like a bad topology message: skipped and said so. Thrown, it
                    // would restart the edge on the same message every second.
                    guard
                        let event = try? JSONDecoder().decode(
                            InfraEvent.self, from: Data(message.payload.readableBytesView))
                    else {
                        self.logger.error("event sequence \(sequence) is not an InfraEvent; skipped")
                        self.store.skipEvent(seq: sequence)
                        return
                    }
                    self.store.replicate(ClusterIDs.stamp(event, cluster: cluster), seq: sequence)
                }
            }
            let (turns, said) = AsyncStream.makeStream(of: Turn.self)
            group.addTask { await self.markTurns(turns) }
            group.addTask { try await self.judgeHeartbeats(beats, said) }
            group.addTask { try await self.judgeDeadlines(said) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Caught up: `ready`, or `degraded` naming the clusters whose collector is silent.
    func reportFollowing() {
        let stale = liveness.withLock { $0.staleClusters }
        if stale.isEmpty {
            statusBoard?.set(statusName, .ready, message: "following")
        } else {
            statusBoard?.set(
                statusName, .degraded, message: "no heartbeat from cluster \(stale.joined(separator: ", "))",
                details: Dictionary(uniqueKeysWithValues: stale.map { ($0, "collector silent: entities stale") }))
        }
    }

    private func apply(_ payload: ByteBuffer, cluster: String, sequence: UInt64) {
        let update: TopologyUpdate
        do {
            update = try JSONDecoder().decode(TopologyUpdate.self, from: Data(payload.readableBytesView))
        } catch {
            // One bad message must not stop the edge; it is skipped, and said so.
            logger.error("topology sequence \(sequence) is not a TopologyUpdate: \(error)")
            return
        }
        let stamped = ClusterIDs.stamp(update, cluster: cluster)
        if let entity = stamped.entity {
            owners.withLock { owners in
                if stamped.kind == .remove { owners[entity.id] = nil } else { owners[entity.id] = cluster }
            }
        }
        liveness.withLock { $0.watch(cluster, now: .now) }
        store.replicate(stamped, revision: Self.revision(ofSequence: sequence))
    }
}

extension ClusterReplica {
    /// The range a roster (or roster part) covers and the entity ids it
    /// names there, stamped with their cluster; nil (said) for a bad body.
    func roster(_ payload: ByteBuffer, cluster: String, sequence: UInt64) -> Roster? {
        guard let part = RosterPart.decode(Data(payload.readableBytesView)) else {
            logger.error(
                "topology sequence \(sequence): a roster that is not a JSON array of ids or a roster part; skipped")
            return nil
        }
        return Roster(part: part, cluster: cluster)
    }

    /// A collector's roster (or part) at `sequence`: this edge's entities of
    /// `cluster` in its range that it does not name are gone (removed while
    /// the collector was down), removed in the sequence's room, as every edge does.
    func applyRoster(_ payload: ByteBuffer, cluster: String, sequence: UInt64) {
        guard let roster = roster(payload, cluster: cluster, sequence: sequence) else { return }
        let gone = owners.withLock { owners in
            owners.filter { $0.value == cluster && roster.removes($0.key) }.map(\.key)
        }
        liveness.withLock { $0.watch(cluster, now: .now) }
        guard !gone.isEmpty else { return }
        let removed = store.replicateRemovals(
            ids: gone, revision: Self.revision(ofSequence: sequence), below: Self.revision(ofSequence: sequence + 1),
            now: .now())
        guard let removed else {
            if Self.revision(ofSequence: sequence) > store.revision {
                logger.error(
                    "topology sequence \(sequence): cluster \(cluster)'s \(gone.count) vanished entities do not fit in one sequence's room; not removed"
                )
            }
            return
        }
        owners.withLock { owners in for id in gone { owners[id] = nil } }
        logger.info("cluster \(cluster): its collector's roster removed \(gone.count) entities (\(removed) updates)")
    }
}

/// A roster as an edge reads it: the part's range, and the stamped ids kept there.
struct Roster {
    let part: RosterPart
    let cluster: String
    let kept: Set<String>

    init(part: RosterPart, cluster: String) {
        self.part = part
        self.cluster = cluster
        kept = Set(part.ids.map { ClusterIDs.stamp($0, cluster: cluster) })
    }

    /// Whether the cluster's entity `stamped` is gone by this roster.
    func removes(_ stamped: String) -> Bool { !kept.contains(stamped) && part.covers(stamped, cluster: cluster) }
}

/// The topology stream skipped sequences this edge had not read: they aged
/// out of the stream (its retention) or were purged.
struct RetentionGap: Error, CustomStringConvertible {
    let expected: UInt64
    let arrived: UInt64
    var description: String { "topology sequence \(arrived) arrived, \(expected) expected (aged out of the stream)" }
}
