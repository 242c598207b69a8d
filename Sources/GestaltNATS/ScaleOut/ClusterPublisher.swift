import Foundation
package import GestaltEngine
import GestaltModel
package import Logging
package import NATSClient
import NIOCore
import Synchronization

/// `gestalt collect`: publishes every update and event of the store to the
/// cluster's JetStream subjects, in the store's order, and a checkpoint (the
/// whole topology, with the topology sequence it includes) at start and every
/// `checkpointInterval`; and a heartbeat every `heartbeatInterval`, by which
/// edges tell a live collector from a gone one (`ClusterLiveness`).
package final class ClusterPublisher: Sendable {
    package let store: TopologyStore
    package let names: ScaleOutNames
    package let checkpointInterval: Duration
    package let heartbeatInterval: Duration
    /// How many updates and events may wait for their acknowledgement at once (`PublishPipeline`).
    package let window: Int
    /// Whether the sources are past their first sync: the roster waits for
    /// it, or a collector just started would name too few entities.
    let synced: @Sendable () -> Bool
    /// The largest checkpoint part or roster message; nil: the server's
    /// max_payload less some headroom (`CheckpointParts.limit`).
    let partBytes: Int?
    let logger: Logger

    package init(
        store: TopologyStore, names: ScaleOutNames, checkpointInterval: Duration,
        heartbeatInterval: Duration = .seconds(1), window: Int = 256, synced: @escaping @Sendable () -> Bool = { true },
        partBytes: Int? = nil, logger: Logger = Logger(label: "gestalt.collect")
    ) {
        self.synced = synced
        self.partBytes = partBytes
        self.store = store
        self.names = names
        self.checkpointInterval = checkpointInterval
        self.heartbeatInterval = heartbeatInterval
        self.window = window
        self.logger = logger
    }

    /// Where publishing stands: the last store revision and event seq sent,
    /// and the topology stream sequence of that revision.
    struct Position {
        var revision: UInt64
        var eventSeq: UInt64
        var topologySequence: UInt64
        /// Whether older checkpoint parts may be stored: a checkpoint that
        /// fits in one message purges them only then. True at the start, as
        /// an earlier collector of the cluster may have left some.
        var partsMayRemain = true

        /// Past the updates the topology stream acknowledged, oldest first.
        mutating func advance(_ acked: [PublishPipeline.Acked]) {
            guard let last = acked.last else { return }
            revision = last.tag
            topologySequence = last.ack.sequence
        }
    }

    /// A `Nats-Msg-Id`: the cluster, this process's base, and what the
    /// message is. The streams are shared by every cluster and drop a
    /// message whose id they saw in the last 2 minutes, so the cluster must
    /// be in it: two collectors started in the same millisecond have the same
    /// base, and one's updates were dropped as duplicates of the other's.
    func messageID(_ what: String) -> String { "\(names.cluster)-\(store.configuration.startingCounter)-\(what)" }

    /// Runs until cancelled; a lost connection or server is retried.
    package func run(options: NATSConnectionOptions) async {
        var position = Position(
            revision: store.configuration.startingCounter, eventSeq: store.configuration.startingCounter,
            topologySequence: 0)
        var started = false
        // The first checkpoint of this run once the sources are synced is
        // preceded by a roster of every entity the collector holds: entities
        // removed while it was down leave the running edges.
        var rosterDue = true
        while !Task.isCancelled {
            do {
                // No reconnect: a reconnected connection would send what it
                // buffered meanwhile, ahead of the in-flight publishes the old
                // server lost, out of order. A new connection resends from the
                // oldest unacknowledged update instead.
                var once = options
                once.reconnect.maxAttempts = 0
                let connection = try await NATSConnection.connect(once)
                defer { Task { await connection.close() } }
                let js = JetStream(connection)
                let pipeline = try await PublishPipeline.open(connection, window: window, timeout: js.timeout)
                let infos = try await ScaleOutStreams.ensure(js, logger: logger)
                if !started, let info = infos[ScaleOutNames.topologyStream] {
                    // Earlier messages (other clusters', an earlier collector's) came before ours.
                    position.topologySequence = info.state.lastSequence
                }
                started = true
                logger.info("publishing cluster \(names.cluster) to \(options.host):\(options.port)")
                // Beats on their own: a burst of publishes waiting for room in
                // the window must not silence the collector past the edges' deadline.
                let beating = BeatFailure()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do { try await self.beat(js.connection) } catch { beating.error.withLock { $0 = error } }
                    }
                    defer { group.cancelAll() }
                    try await publishLoop(js, pipeline, &position, &rosterDue, beating)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning(
                    "cluster publisher: \(error); starting again on a new connection after revision \(position.revision), in order"
                )
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func publishLoop(
        _ js: JetStream, _ pipeline: PublishPipeline, _ position: inout Position, _ rosterDue: inout Bool,
        _ beating: BeatFailure
    ) async throws {
        var nextCheckpoint = ContinuousClock.now
        var seen = store.revision
        while !Task.isCancelled {
            // An idle loop touches no connection: the beats' failure is how it learns of a dead one.
            if let error = beating.error.withLock({ $0 }) { throw error }
            // Once the sources are synced: the roster, and a checkpoint right after it.
            if rosterDue, synced() {
                try await publishRoster(js, pipeline, &position)
                rosterDue = false
                nextCheckpoint = .now
            }
            if ContinuousClock.now >= nextCheckpoint {
                try await checkpoint(js, pipeline, &position)
                nextCheckpoint = .now + checkpointInterval
            }
            try await publishUpdates(pipeline, &position, through: .max)
            try await publishEvents(pipeline, &position)
            // Wait for the next update, but no longer than 50 ms (events have
            // no wait of their own here) or the next checkpoint.
            let wait = max(.milliseconds(1), min(.milliseconds(50), nextCheckpoint - .now))
            let revision = seen
            // A fresh subscription each time: a cancelled wait cancels its subscription for good.
            let signal = store.topologySignal.subscribe()
            _ = try? await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = await signal.wait(after: revision) }
                group.addTask { try await Task.sleep(for: wait) }
                try await group.next()
                group.cancelAll()
            }
            seen = store.revision
        }
    }

    /// Core NATS, not stored: only a live collector's beat matters. Its text
    /// names this process and the beat, so edges that saw the same last beat
    /// publish stale marks under the same ids. Until cancelled or the connection fails.
    func beat(_ connection: NATSConnection) async throws {
        var beats: UInt64 = 0
        while !Task.isCancelled {
            beats += 1
            try await connection.publish(
                ByteBuffer(string: "\(store.configuration.startingCounter)-\(beats)"), to: names.heartbeatSubject)
            try await Task.sleep(for: heartbeatInterval)
        }
    }

    /// Sends the store's updates after `position` up to `last`, up to the
    /// pipeline's window at a time, and returns once all are acknowledged:
    /// `position` is then exact (a checkpoint or roster names it).
    func publishUpdates(_ pipeline: PublishPipeline, _ position: inout Position, through last: UInt64) async throws {
        var sentThrough = position.revision
        sending: while sentThrough < min(last, store.revision) {
            switch store.updates(after: sentThrough, limit: 256) {
            case .updates(let updates):
                // None at or below `last` (or none at all): nothing more to send now.
                guard let first = updates.first, first.revision <= last else { break sending }
                for logged in updates where logged.revision <= last {
                    let acked = try await pipeline.send(
                        ByteBuffer(bytes: logged.json), to: names.topologySubject,
                        messageID: messageID("\(logged.revision)"), tag: logged.revision)
                    sentThrough = logged.revision
                    position.advance(acked)
                }
            case .gone:
                // Fell behind the store's retained log: what was missed cannot
                // be sent as updates; a checkpoint carries it to new edges.
                // Never past `last`: a checkpoint's own snapshot must not be skipped.
                // Running edges miss the gap until a later update of each entity
                // (docs/SCALE-OUT.md, "Not done yet").
                logger.error("cluster publisher fell behind the store's log; the next checkpoint carries the gap")
                position.advance(try await pipeline.drain())
                position.revision = min(last, store.revision)
                return
            }
        }
        position.advance(try await pipeline.drain())
    }

    private func publishEvents(_ pipeline: PublishPipeline, _ position: inout Position) async throws {
        var sentThrough = position.eventSeq
        while sentThrough < store.eventSeq {
            guard let events = store.events(after: sentThrough, limit: 256), !events.isEmpty else {
                logger.error("cluster publisher fell behind the store's events; skipping to the latest")
                _ = try await pipeline.drain()
                position.eventSeq = store.eventSeq
                return
            }
            for logged in events {
                _ = try await pipeline.send(
                    ByteBuffer(bytes: logged.json), to: names.eventsSubject,
                    messageID: messageID("ev-\(logged.event.seq)"), tag: logged.event.seq)
                sentThrough = logged.event.seq
            }
        }
        // Acknowledged, all of them: only then does the position move past them.
        _ = try await pipeline.drain()
        position.eventSeq = sentThrough
    }

    /// The snapshot is taken at one revision; the updates up to it are
    /// published first, so the checkpoint names the sequence of exactly that revision.
    /// The sequence is at least the stream's last before the snapshot: all of
    /// this cluster's updates up to there are in it, and the other clusters'
    /// messages in between are none of its business, so an edge starting from
    /// it need not read back to an idle cluster's last update.
    func checkpoint(_ js: JetStream, _ pipeline: PublishPipeline, _ position: inout Position) async throws {
        let streamLast = try await js.streamInfo(ScaleOutNames.topologyStream).state.lastSequence
        let (revision, json) = store.snapshotJSON(asFullUpdate: false)
        try await publishUpdates(pipeline, &position, through: revision)
        position.topologySequence = max(position.topologySequence, streamLast)
        var headers = NATSHeaders()
        headers[ScaleOutNames.topologySequenceHeader] = String(position.topologySequence)
        let limit = CheckpointParts.limit(js.connection, override: partBytes)
        let ack = try await CheckpointParts.publish(
            js, json, id: messageID("\(revision)"), headers: headers, names: names,
            limit: limit, partsMayRemain: &position.partsMayRemain)
        logger.debug(
            "checkpoint at topology sequence \(position.topologySequence) (\(json.count) bytes in \(CheckpointParts.split(json, limit: limit).count) messages, seq \(ack.sequence))"
        )
    }
}

extension ClusterPublisher {
    /// Every entity id the store holds at one revision, after the updates up
    /// to it: each edge removes the cluster's entities not named
    /// (`ClusterReplica.applyRoster`), under its own removal updates.
    /// None when the cluster has left nothing on the streams (its first run
    /// ever): no edge holds any of it, and a roster would be one more message
    /// that changes nothing, past which a client of one edge cannot resume
    /// exactly on an edge that starts from a later checkpoint.
    func publishRoster(_ js: JetStream, _ pipeline: PublishPipeline, _ position: inout Position) async throws {
        let checkpointed = try await js.lastMessage(
            stream: ScaleOutNames.checkpointStream, subject: names.checkpointSubject)
        let published = try await js.lastMessage(stream: ScaleOutNames.topologyStream, subject: names.topologySubject)
        guard checkpointed != nil || published != nil else { return }
        let snapshot = store.snapshot()
        try await publishUpdates(pipeline, &position, through: snapshot.revision)
        var headers = NATSHeaders()
        headers[ScaleOutNames.rosterHeader] = "entities"
        let parts = RosterPart.parts(
            of: snapshot.entities.map(\.id), cluster: names.cluster,
            limit: CheckpointParts.limit(js.connection, override: partBytes))
        var last: UInt64 = 0
        for (index, part) in parts.enumerated() {
            let ack = try await js.publish(
                ByteBuffer(bytes: try part.json()), to: names.topologySubject, headers: headers,
                messageID: messageID("roster-\(snapshot.revision)-\(index)"))
            last = ack.sequence
        }
        position.topologySequence = max(position.topologySequence, last)
        logger.info(
            "roster of \(snapshot.entities.count) entities in \(parts.count) messages, through topology sequence \(last)"
        )
    }
}

/// Set by the heartbeat task when a beat fails: the publish loop then
/// starts over on a new connection.
final class BeatFailure: Sendable {
    let error = Mutex<(any Error)?>(nil)
}
