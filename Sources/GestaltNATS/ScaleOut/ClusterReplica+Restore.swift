import Foundation
import GestaltEngine
import GestaltModel
import Logging
import NATSClient
import NIOCore
import Synchronization

extension ClusterReplica {
    /// Puts the latest checkpoint of every cluster shown into the store, as
    /// one map at one stream sequence.
    ///
    /// Each cluster's checkpoint holds its updates up to its own sequence
    /// `S_c`; the store's revision must mean "every update up to here". So
    /// each cluster is brought to the highest of them, `M`, apart (a scratch
    /// store per cluster, fed that cluster's updates in `(S_c, M]` from the
    /// stream), and the merged map goes into the store at `M`. A fresh store
    /// is restored; a running one (after a gap) has its map replaced, and its
    /// clients get a `full`.
    func restoreCheckpoints(_ js: JetStream) async throws {
        var checkpoints: [String: (sequence: UInt64, topology: Topology)] = [:]
        let subjects = try await js.subjects(
            stream: ScaleOutNames.checkpointStream, filter: ScaleOutNames.checkpointWildcard)
        for subject in subjects.keys.sorted() {
            guard let cluster = ScaleOutNames.cluster(ofSubject: subject), shows(cluster),
                let (message, payload) = try await latestCheckpoint(js, subject: subject)
            else { continue }
            guard let sequence = message.headers?[ScaleOutNames.topologySequenceHeader].flatMap({ UInt64($0) }) else {
                throw ScaleOutError(
                    "checkpoint \(message.sequence) has no \(ScaleOutNames.topologySequenceHeader) header")
            }
            let topology = try JSONDecoder().decode(Topology.self, from: Data(payload.readableBytesView))
            checkpoints[cluster] = (sequence, ClusterIDs.stamp(topology, cluster: cluster))
        }
        let target = checkpoints.values.map(\.sequence).max() ?? 0
        var scratch: [String: TopologyStore] = [:]
        for (cluster, checkpoint) in checkpoints {
            var topology = checkpoint.topology
            // The edge's numbering, so a mark has its sequence's room here too.
            topology.revision = Self.revision(ofSequence: checkpoint.sequence)
            let store = TopologyStore()
            store.restore(topology, then: [])
            scratch[cluster] = store
        }
        // Messages up to the checkpoints may have aged out of the stream (or
        // been purged): replay what is left, and none when nothing is.
        let stream = try await js.streamInfo(ScaleOutNames.topologyStream).state
        let from = max((checkpoints.values.map(\.sequence).min() ?? 0) + 1, stream.firstSequence)
        let through = min(target, stream.lastSequence)
        if from <= through {
            try await replay(js, from: from, through: through) { cluster, sequence, message in
                let store = scratch[cluster] ?? TopologyStore()
                scratch[cluster] = store
                let revision = Self.revision(ofSequence: sequence)
                // At or below its checkpoint: skipped.
                switch message {
                case .update(let update): store.replicate(update, revision: revision)
                case .roster(let roster):
                    let gone = store.snapshot().entities.map(\.id).filter(roster.removes)
                    store.replicateRemovals(
                        ids: gone, revision: revision, below: Self.revision(ofSequence: sequence + 1), now: .now())
                }
            }
        }
        var entities: [Entity] = [], connections: [Connection] = []
        var owners: [String: String] = [:]
        for (cluster, store) in scratch {
            let topology = store.snapshot()
            entities += topology.entities
            connections += topology.connections
            for entity in topology.entities { owners[entity.id] = cluster }
        }
        let merged = Topology(
            revision: Self.revision(ofSequence: target), timestamp: .now(), entities: entities,
            connections: connections,
            summary: TopologySummary())
        let fresh = store.revision == 0 && store.entityCount == 0
        if fresh {
            guard store.restore(merged, then: []) else {
                throw ScaleOutError("the edge's store was not fresh when its checkpoints arrived")
            }
        } else if !store.replace(with: merged) {
            // The checkpoints are not ahead of the store: they cannot fill the gap.
            logger.error(
                "the latest checkpoints (sequence \(target)) are not past the edge's \(Self.sequence(ofRevision: store.revision))"
            )
            return
        }
        self.owners.withLock { $0 = owners }
        position.withLock { $0 = target }
        let now = ContinuousClock.now
        liveness.withLock { liveness in for cluster in scratch.keys { liveness.watch(cluster, now: now) } }
        logger.info(
            "clusters \(scratch.keys.sorted()): checkpoints merged at topology sequence \(target), \(entities.count) entities"
        )
    }

    /// The newest checkpoint on `subject` and its JSON. A checkpoint in parts
    /// that a newer one replaced while it was read is read again, newest first.
    private func latestCheckpoint(_ js: JetStream, subject: String) async throws -> (StoredMessage, ByteBuffer)? {
        var attempt = 1
        while true {
            guard let message = try await js.lastMessage(stream: ScaleOutNames.checkpointStream, subject: subject)
            else { return nil }
            do {
                return (message, try await CheckpointParts.payload(js, message))
            } catch let replaced as CheckpointParts.Replaced where attempt < 5 {
                logger.info("\(replaced); reading the newest checkpoint")
                attempt += 1
            }
        }
    }

    enum Replayed {
        case update(TopologyUpdate)
        /// A collector's roster or roster part.
        case roster(Roster)
    }

    /// Hands `body` each shown cluster's update or roster in `[from, through]`, stamped.
    private func replay(
        _ js: JetStream, from: UInt64, through: UInt64,
        _ body: (String, UInt64, Replayed) -> Void
    ) async throws {
        struct Done: Error {}
        do {
            try await js.consumeOrdered(stream: ScaleOutNames.topologyStream, filterSubject: nil, from: from) {
                message in
                guard let sequence = message.metadata?.streamSequence else { return }
                if sequence > through { throw Done() }
                if let cluster = ScaleOutNames.cluster(ofSubject: message.subject), shows(cluster) {
                    if message.headers?[ScaleOutNames.rosterHeader] != nil {
                        if let roster = roster(message.payload, cluster: cluster, sequence: sequence) {
                            body(cluster, sequence, .roster(roster))
                        }
                    } else if message.headers?[ScaleOutNames.markHeader] != nil {
                        // An older edge's stale mark: each edge judges the beats it hears itself.
                    } else if let update = try? JSONDecoder().decode(
                        TopologyUpdate.self, from: Data(message.payload.readableBytesView))
                    {
                        body(cluster, sequence, .update(ClusterIDs.stamp(update, cluster: cluster)))
                    }
                }
                if sequence == through { throw Done() }
            }
        } catch is Done {}
    }
}
