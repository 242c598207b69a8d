import GestaltModel
import NATSClient
import NIOCore

/// Stale marks on edges (docs/SCALE-OUT.md, "Staleness"). A collector that
/// stops beating past the deadline has its entities marked stale, and
/// current at its next beat. The marks are not made in this edge's store:
/// its revisions are stream sequences, and a change of its own would have
/// none. The edge publishes them to the cluster's topology subject instead,
/// one update per entity, under a message id every edge that saw the same
/// beats computes alike, so the stream keeps one mark of each and every
/// edge applies it at the same sequence. When the publish fails (NATS itself
/// is down: then every cluster falls silent at once), the edge marks its own
/// store, under the revisions it keeps free between two sequences; the
/// `current` marks of the first beats after NATS comes back clear them
/// through the stream.
extension ClusterReplica {
    func judgeHeartbeats(_ beats: NATSSubscription, _ js: JetStream) async throws {
        for await beat in beats {
            guard let cluster = ScaleOutNames.cluster(ofSubject: beat.subject), shows(cluster) else { continue }
            let text = String(buffer: beat.payload)
            if let action = liveness.withLock({ $0.heartbeat(cluster, beat: text, now: .now) }) {
                await mark(action, js)
            }
        }
    }

    func judgeDeadlines(_ js: JetStream) async throws {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let next = liveness.withLock { $0.nextDeadline } ?? now + liveness.withLock { $0.deadline }
            try await Task.sleep(until: max(next, now + .milliseconds(10)), clock: .continuous)
            for action in liveness.withLock({ $0.tick(now: ContinuousClock.now) }) { await mark(action, js) }
        }
    }

    /// Publishes the marks; a failed publish is logged, not retried (the
    /// connection is gone, and the follow loop starts over).
    func mark(_ action: ClusterLiveness<ContinuousClock.Instant>.Action, _ js: JetStream) async {
        let (cluster, epoch, stale): (String, String, Bool) =
            switch action {
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
        let ids = owners.withLock { owners in owners.filter { $0.value == cluster }.map(\.key) }.sorted()
        guard let names = try? ScaleOutNames(cluster: cluster) else { return }
        let now = Timestamp.now()
        for (index, id) in ids.enumerated() {
            guard var entity = store.entity(id: id), entity.stale != stale else { continue }
            entity.stale = stale
            entity.updatedAt = now
            let update = TopologyUpdate(kind: .update, revision: 0, timestamp: now, entity: entity)
            do {
                _ = try await js.publish(
                    ByteBuffer(bytes: update.jsonBytes()), to: names.topologySubject,
                    messageID: "\(stale ? "stale" : "current")-\(epoch)-\(id)")
            } catch {
                let marked = store.markStale(ids: Array(ids[index...]), stale)
                logger.warning("cluster \(cluster): publishing marks failed (\(error)); \(marked) marked on this edge")
                return
            }
        }
    }
}
