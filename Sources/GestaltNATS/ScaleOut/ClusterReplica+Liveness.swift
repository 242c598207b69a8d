import GestaltModel
import NATSClient
import NIOCore

/// Stale marks on edges (docs/SCALE-OUT.md, "Staleness"). A collector that
/// stops beating past the deadline has its entities marked stale, and
/// current at its next beat. The marks are not made in this edge's store:
/// its revisions are stream sequences, and a change of its own would have
/// none. The edge publishes one mark per turn to the cluster's topology
/// subject instead: a message with no body and a `Gestalt-Mark: stale` or
/// `current` header, under a message id every edge that saw the same beats
/// computes alike, so the stream keeps one of each and every edge applies it
/// at the same sequence, to its own copies (`applyMark`). A mark never
/// carries an entity: an edge whose store is behind the stream must not put
/// old contents back into it. When the publish fails (NATS itself is down:
/// then every cluster falls silent at once), the edge marks its own store,
/// under the revisions it keeps free between two sequences; the `current`
/// marks of the first beats after NATS comes back clear them through the stream.
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

    /// One at a time, in order: a cluster's `current` is never published
    /// while its `stale` still is.
    func markTurns(_ turns: AsyncStream<Turn>, _ js: JetStream) async {
        for await turn in turns { await mark(turn, js) }
    }

    /// Publishes the mark; a failed publish marks this edge's own store
    /// (the connection is gone, and the follow loop starts over).
    func mark(_ turn: Turn, _ js: JetStream) async {
        let (cluster, epoch, stale): (String, String, Bool) =
            switch turn {
            case .stale(let cluster, let epoch): (cluster, epoch, true)
            case .current(let cluster, let epoch): (cluster, epoch, false)
            }
        logger.warning(
            "cluster \(cluster): \(stale ? "no heartbeat, marking stale" : "heartbeat back, marking current")")
        // Caught up (not syncing): the status says which clusters are silent.
        if let state = statusBoard?.all.first(where: { $0.name == statusName })?.state,
            state == .ready || state == .degraded
        {
            reportFollowing()
        }
        guard let names = try? ScaleOutNames(cluster: cluster) else { return }
        var headers = NATSHeaders()
        headers[ScaleOutNames.markHeader] = stale ? "stale" : "current"
        headers[ScaleOutNames.markTimeHeader] = String(Timestamp.now().millisecondsSince1970)
        do {
            _ = try await js.publish(
                ByteBuffer(), to: names.topologySubject, headers: headers,
                messageID: "\(stale ? "stale" : "current")-\(cluster)-\(epoch)")
        } catch {
            // The next stream message is at least one past the last read: the marks stay below it.
            let ids = owners.withLock { owners in owners.filter { $0.value == cluster }.map(\.key) }
            let limit = Self.revision(ofSequence: position.withLock { $0 } + 1)
            if let marked = store.markStale(ids: ids, stale, below: limit) {
                logger.warning(
                    "cluster \(cluster): publishing the mark failed (\(error)); \(marked) marked on this edge")
            } else {
                logger.error(
                    "cluster \(cluster): publishing the mark failed (\(error)), and its \(ids.count) entities do not fit in the edge's room before the next sequence; not marked"
                )
            }
        }
    }

    /// A mark read from the stream at `sequence`: every entity this edge
    /// holds of `cluster` takes the flag, its contents its own.
    func applyMark(_ value: String, at: Timestamp, cluster: String, sequence: UInt64) {
        guard value == "stale" || value == "current" else {
            logger.error(
                "topology sequence \(sequence): unknown \(ScaleOutNames.markHeader) \(value.debugDescription); skipped")
            return
        }
        let ids = owners.withLock { owners in owners.filter { $0.value == cluster }.map(\.key) }
        let marked = store.replicateMark(
            ids: ids, value == "stale", revision: Self.revision(ofSequence: sequence),
            below: Self.revision(ofSequence: sequence + 1), now: at)
        if marked == nil, Self.revision(ofSequence: sequence) > store.revision {
            logger.error(
                "topology sequence \(sequence): cluster \(cluster)'s \(ids.count) entities do not fit in one sequence's room; mark skipped"
            )
        }
    }
}
