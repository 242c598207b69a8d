import Foundation
import GestaltEngine
import GestaltModel
import Logging
import NATSClient
import NIOCore

/// `gestalt collect`: publishes every update and event of the store to the
/// cluster's JetStream subjects, in the store's order, and a checkpoint (the
/// whole topology, with the topology sequence it includes) at start and every
/// `checkpointInterval`.
public final class ClusterPublisher: Sendable {
    public let store: TopologyStore
    public let names: ScaleOutNames
    public let checkpointInterval: Duration
    let logger: Logger

    public init(
        store: TopologyStore, names: ScaleOutNames, checkpointInterval: Duration,
        logger: Logger = Logger(label: "gestalt.collect")
    ) {
        self.store = store
        self.names = names
        self.checkpointInterval = checkpointInterval
        self.logger = logger
    }

    /// Where publishing stands: the last store revision and event seq sent,
    /// and the topology stream sequence of that revision.
    struct Position {
        var revision: UInt64
        var eventSeq: UInt64
        var topologySequence: UInt64
    }

    /// Runs until cancelled; a lost connection or server is retried.
    public func run(options: NATSConnectionOptions) async {
        var position = Position(
            revision: store.configuration.startingCounter, eventSeq: store.configuration.startingCounter,
            topologySequence: 0)
        var started = false
        while !Task.isCancelled {
            do {
                let connection = try await NATSConnection.connect(options)
                defer { Task { await connection.close() } }
                let js = JetStream(connection)
                for config in names.streams {
                    let info = try await js.ensureStream(config)
                    if !started, config.name == names.topologyStream {
                        // Updates of an earlier collector came before ours.
                        position.topologySequence = info.state.lastSequence
                    }
                }
                started = true
                logger.info("publishing cluster \(names.cluster) to \(options.host):\(options.port)")
                try await publishLoop(js, &position)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("cluster publisher: \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func publishLoop(_ js: JetStream, _ position: inout Position) async throws {
        var nextCheckpoint = ContinuousClock.now
        var seen = store.revision
        while !Task.isCancelled {
            if ContinuousClock.now >= nextCheckpoint {
                try await checkpoint(js, &position)
                nextCheckpoint = .now + checkpointInterval
            }
            try await publishUpdates(js, &position, through: .max)
            try await publishEvents(js, &position)
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

    func publishUpdates(_ js: JetStream, _ position: inout Position, through last: UInt64) async throws {
        while position.revision < min(last, store.revision) {
            switch store.updates(after: position.revision, limit: 256) {
            case .updates(let updates):
                // None at or below `last` (or none at all): nothing more to send now.
                guard let first = updates.first, first.revision <= last else { return }
                for logged in updates where logged.revision <= last {
                    let ack = try await js.publish(
                        ByteBuffer(bytes: logged.json), to: names.topologySubject,
                        messageID: "\(store.configuration.startingCounter)-\(logged.revision)")
                    position.revision = logged.revision
                    position.topologySequence = ack.sequence
                }
            case .gone:
                // Fell behind the store's retained log: what was missed cannot
                // be sent as updates; a checkpoint carries it to new edges.
                // Never past `last`: a checkpoint's own snapshot must not be skipped.
                // Running edges miss the gap until a later update of each entity
                // (docs/SCALE-OUT.md, "Not done yet").
                logger.error("cluster publisher fell behind the store's log; the next checkpoint carries the gap")
                position.revision = min(last, store.revision)
                return
            }
        }
    }

    private func publishEvents(_ js: JetStream, _ position: inout Position) async throws {
        while position.eventSeq < store.eventSeq {
            guard let events = store.events(after: position.eventSeq, limit: 256), !events.isEmpty else {
                logger.error("cluster publisher fell behind the store's events; skipping to the latest")
                position.eventSeq = store.eventSeq
                return
            }
            for logged in events {
                _ = try await js.publish(
                    ByteBuffer(bytes: logged.json), to: names.eventsSubject,
                    messageID: "\(store.configuration.startingCounter)-ev-\(logged.event.seq)")
                position.eventSeq = logged.event.seq
            }
        }
    }

    /// The snapshot is taken at one revision; the updates up to it are
    /// published first, so the checkpoint names the sequence of exactly that revision.
    func checkpoint(_ js: JetStream, _ position: inout Position) async throws {
        let (revision, json) = store.snapshotJSON(asFullUpdate: false)
        try await publishUpdates(js, &position, through: revision)
        var headers = NATSHeaders()
        headers[ScaleOutNames.topologySequenceHeader] = String(position.topologySequence)
        let ack = try await js.publish(ByteBuffer(bytes: json), to: names.checkpointSubject, headers: headers)
        logger.debug(
            "checkpoint at topology sequence \(position.topologySequence) (\(json.count) bytes, seq \(ack.sequence))")
    }
}
