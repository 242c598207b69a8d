import Foundation
import GestaltEngine
import GestaltModel
import Logging
import NATSClient
import NIOCore

/// `gestalt edge`: fills a fresh store from a cluster's JetStream streams.
/// It starts from the last checkpoint, then applies every topology update
/// after it under its stream sequence as the revision, so every edge
/// numbers the same update the same way (docs/SCALE-OUT.md), and records
/// events under their own stream's sequence.
public final class ClusterReplica: Sendable {
    public let store: TopologyStore
    public let names: ScaleOutNames
    let statusBoard: SourceStatusBoard?
    let logger: Logger

    /// The name this replica reports under on /api/sources and /readyz.
    public var statusName: String { "jetstream \(names.cluster)" }

    /// `store` must be fresh (its starting counter 0): the checkpoint is restored into it.
    public init(
        store: TopologyStore, names: ScaleOutNames, statusBoard: SourceStatusBoard?,
        logger: Logger = Logger(label: "gestalt.edge")
    ) {
        self.store = store
        self.names = names
        self.statusBoard = statusBoard
        self.logger = logger
    }

    /// Runs until cancelled; a lost connection or server is retried.
    public func run(options: NATSConnectionOptions) async {
        statusBoard?.set(statusName, .syncing, message: "connecting to NATS")
        var restored = false
        while !Task.isCancelled {
            do {
                let connection = try await NATSConnection.connect(options)
                defer { Task { await connection.close() } }
                let js = JetStream(connection)
                for config in names.streams { _ = try await js.ensureStream(config) }
                if !restored {
                    try await restoreCheckpoint(js)
                    restored = true
                }
                try await follow(js)
            } catch is CancellationError {
                return
            } catch {
                statusBoard?.set(statusName, .error, message: "\(error)")
                logger.warning("cluster replica: \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Puts the last checkpoint into the store, at its topology sequence.
    func restoreCheckpoint(_ js: JetStream) async throws {
        guard let message = try await js.lastMessage(stream: names.checkpointStream, subject: names.checkpointSubject)
        else {
            logger.info("no checkpoint for cluster \(names.cluster) yet: replaying its topology stream from the start")
            return
        }
        guard let sequence = message.headers?[ScaleOutNames.topologySequenceHeader].flatMap({ UInt64($0) }) else {
            throw ScaleOutError("checkpoint \(message.sequence) has no \(ScaleOutNames.topologySequenceHeader) header")
        }
        var topology = try JSONDecoder().decode(Topology.self, from: Data(message.payload.readableBytesView))
        topology.revision = sequence
        guard store.restore(topology, then: []) else {
            throw ScaleOutError("the edge's store was not fresh when its checkpoint arrived")
        }
        logger.info(
            "cluster \(names.cluster): checkpoint at topology sequence \(sequence), \(topology.entities.count) entities"
        )
    }

    /// Applies the topology and event streams from where the store stands, until cancelled.
    func follow(_ js: JetStream) async throws {
        let target = try await js.streamInfo(names.topologyStream).state.lastSequence
        if store.revision >= target {
            statusBoard?.set(statusName, .ready, message: "following")
        } else {
            statusBoard?.set(statusName, .syncing, message: "catching up to sequence \(target)")
        }
        let events = try await js.streamInfo(names.eventsStream).state
        // Events: the last `retainedEvents` of them, or from where this store left off.
        let retained = UInt64(store.configuration.retainedEvents)
        let eventStart =
            store.eventSeq > 0
            ? store.eventSeq + 1
            : max(events.firstSequence, events.lastSequence >= retained ? events.lastSequence - retained + 1 : 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The topology stream holds nothing but updates, so its
                // sequences have no gaps: a gap here would be a delivery the
                // ordered consumer lost, and following again from the store's
                // revision fetches it. Only updates that aged out of the
                // stream may be skipped, once, at the start.
                var expected = self.store.revision + 1
                var agedOut = try await js.streamInfo(self.names.topologyStream).state.firstSequence > expected
                try await js.consumeOrdered(
                    stream: self.names.topologyStream, filterSubject: nil, from: expected
                ) { message in
                    guard let sequence = message.metadata?.streamSequence else { return }
                    guard sequence == expected || agedOut else {
                        throw ScaleOutError("topology sequence \(sequence) arrived, \(expected) expected")
                    }
                    agedOut = false
                    expected = sequence + 1
                    try self.apply(message.payload, sequence: sequence)
                    if sequence == target { self.statusBoard?.set(self.statusName, .ready, message: "following") }
                }
            }
            group.addTask {
                try await js.consumeOrdered(stream: self.names.eventsStream, filterSubject: nil, from: eventStart) {
                    message in
                    guard let sequence = message.metadata?.streamSequence else { return }
                    // Like a bad topology message: skipped and said so. Thrown, it
                    // would restart the edge on the same message every second.
                    guard
                        let event = try? JSONDecoder().decode(
                            InfraEvent.self, from: Data(message.payload.readableBytesView))
                    else {
                        self.logger.error("event sequence \(sequence) is not an InfraEvent; skipped")
                        return
                    }
                    self.store.replicate(event, seq: sequence)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func apply(_ payload: ByteBuffer, sequence: UInt64) throws {
        let update: TopologyUpdate
        do {
            update = try JSONDecoder().decode(TopologyUpdate.self, from: Data(payload.readableBytesView))
        } catch {
            // One bad message must not stop the edge; it is skipped, and said so.
            logger.error("topology sequence \(sequence) is not a TopologyUpdate: \(error)")
            return
        }
        store.replicate(update, revision: sequence)
    }
}
