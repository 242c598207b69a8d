import GestaltEngine
import GestaltModel
import Logging
import NATSClient
import NIOCore
import Synchronization

/// Stale marks on edges (docs/SCALE-OUT.md, "Staleness"). A collector that
/// stops beating past this edge's deadline has its entities marked stale on
/// this edge, and current at its next beat. Each edge decides from the beats
/// it receives itself: an edge that lost its NATS connection (or its beats)
/// must not mark a cluster stale on an edge that still hears it. So a mark is
/// never published; the edge flips its own copies, one change per turn, under
/// the revisions it keeps free between two stream sequences
/// (`ClusterReplica.revision(ofSequence:)`), and the next stream update lands
/// above them.
extension ClusterReplica {
    typealias Turn = ClusterLiveness<ContinuousClock.Instant>.Action

    /// The turns are said inside the liveness lock, so they reach `markTurns`
    /// in the order the liveness state took them.
    func judgeHeartbeats(_ beats: NATSSubscription, _ turns: AsyncStream<Turn>.Continuation) async throws {
        for await beat in beats {
            guard let cluster = ScaleOutNames.cluster(ofSubject: beat.subject), shows(cluster) else { continue }
            let text = String(buffer: beat.payload)
            liveness.withLock { if let turn = $0.heartbeat(cluster, beat: text, now: .now) { turns.yield(turn) } }
        }
    }

    func judgeDeadlines(_ turns: AsyncStream<Turn>.Continuation) async throws {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let next = liveness.withLock { $0.nextDeadline } ?? now + liveness.withLock { $0.deadline }
            try await Task.sleep(until: max(next, now + .milliseconds(10)), clock: .continuous)
            liveness.withLock { liveness in
                for turn in liveness.tick(now: ContinuousClock.now) { turns.yield(turn) }
            }
        }
    }

    /// One at a time, in order: a cluster's `current` never comes before its `stale`.
    func markTurns(_ turns: AsyncStream<Turn>) async {
        for await turn in turns { mark(turn) }
    }

    /// Flips this edge's own copies of the cluster's entities, below the next stream sequence.
    func mark(_ turn: Turn) {
        let (cluster, stale): (String, Bool) =
            switch turn {
            case .stale(let cluster, _): (cluster, true)
            case .current(let cluster, _): (cluster, false)
            }
        logger.warning(
            "cluster \(cluster): \(stale ? "no heartbeat, marking stale" : "heartbeat back, marking current")")
        // Caught up (not syncing): the status says which clusters are silent.
        if let state = statusBoard?.all.first(where: { $0.name == statusName })?.state,
            state == .ready || state == .degraded
        {
            reportFollowing()
        }
        // The next stream message is at least one past the last read: the marks stay below it.
        let ids = owners.withLock { owners in owners.filter { $0.value == cluster }.map(\.key) }
        let limit = Self.revision(ofSequence: position.withLock { $0 } + 1)
        if store.markStale(ids: ids, stale, below: limit) == nil {
            logger.error(
                "cluster \(cluster): its \(ids.count) entities do not fit in the edge's room before the next sequence; not marked"
            )
        }
    }
}
