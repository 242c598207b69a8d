import Foundation
package import GestaltEngine
import GestaltModel
package import Logging
import ServiceLifecycle

/// Follows the store's log and event feed and writes them to history in
/// batches. It reads the store like any stream does (a cursor into the
/// retained log), so applying and streaming never wait for the disk: while
/// one transaction commits, the next batch piles up in the store's log.
///
/// A batch whose write fails (PostgreSQL stopped, a full disk) is kept and
/// written again, once a second, while the store's log still holds what
/// comes after it: an outage shorter than the log loses nothing. If the
/// recorder falls out of the store's retained window (a very slow disk, a
/// long outage), it records a gap and a fresh checkpoint of the store, and
/// goes on from there.
package struct HistoryRecorder: Service {
    let history: HistoryStore
    let store: TopologyStore
    let logger: Logger

    package init(history: HistoryStore, store: TopologyStore, logger: Logger = Logger(label: "gestalt.history")) {
        self.history = history
        self.store = store
        self.logger = logger
    }

    package func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let onWake: @Sendable (ChangeSignal.Wake) -> Void = { wake in
            if wake == .closed { continuation.finish() } else if wake == .changed { continuation.yield() }
        }
        let topology = store.topologySignal.observe(onWake)
        let events = store.eventSignal.observe(onWake)
        defer {
            topology.cancel()
            events.cancel()
        }
        var cursor = try await HistoryCursor(history: history, store: store)
        // A failed write is retried on the next wake; wake it ourselves, so
        // a quiet store is written once the database is back, too.
        if await !cursor.drain(logger: logger) { continuation.yield() }
        // The loop ends when the signals close (the server's shutdown), on
        // this service's graceful shutdown, or on cancellation (a test, a
        // forced exit), after which only what was drained is durable.
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                for await _ in wakes {
                    if await !cursor.drain(logger: logger) { continuation.yield() }
                }
            } onCancel: {
                continuation.finish()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        guard !Task.isCancelled else { return }
        _ = await cursor.drain(logger: logger)
        // A service group takes a service that ends before its turn to stop
        // for a failure, and the signals close before the recorder's turn.
        if !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
    }
}

/// Why the recorder would not start.
package enum HistoryRecorderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store's counter must start above the history (`HistoryStore.resumeCounter()`).
    case counterBehindHistory(store: UInt64, recorded: UInt64)

    package var description: String {
        switch self {
        case .counterBehindHistory(let store, let recorded):
            "the store is at revision \(store) but history already holds revision \(recorded); start the store at HistoryStore.resumeCounter()"
        }
    }
}

/// The recorder's position: the last revision and event seq written, and a
/// mirror of the topology at that revision for checkpoints.
struct HistoryCursor {
    let history: HistoryStore
    let store: TopologyStore
    private var revision: UInt64
    private var eventSeq: UInt64
    /// Nil when the next batch must start from a fresh snapshot.
    private var mirror: SlicedReplay?
    private var sinceCheckpoint = 0
    private var hasCheckpoint: Bool
    private var sampler: MetricSampler
    /// A batch whose write failed, to be written again first.
    private var pending: (batch: HistoryBatch, next: (revision: UInt64, eventSeq: UInt64), more: Bool)?

    init(history: HistoryStore, store: TopologyStore) async throws {
        self.history = history
        self.store = store
        let recorded = try await history.recordedCounters()
        // A store restored from this history goes on from its last revision
        // (HistoryRestore): no gap, and the mirror is that recorded state.
        let restored = recorded.hasCheckpoint && store.restoredRevision == recorded.revision
        // Reusing a recorded revision would overwrite history with a different change.
        guard !recorded.hasCheckpoint || restored || store.revision > recorded.revision else {
            throw HistoryRecorderError.counterBehindHistory(store: store.revision, recorded: recorded.revision)
        }
        revision = recorded.revision
        eventSeq = recorded.eventSeq
        hasCheckpoint = recorded.hasCheckpoint
        sampler = MetricSampler(intervalMilliseconds: history.configuration.sampleIntervalMilliseconds)
        mirror = restored ? SlicedReplay(try await history.topology(at: .revision(recorded.revision))) : nil
    }

    /// Writes everything the store has past the cursor, in batches; false
    /// when a write failed (after a pause, so a broken database is not
    /// hammered on every change).
    mutating func drain(logger: Logger) async -> Bool {
        while true {
            // A retried batch's `more` is from before the failure: the store
            // has likely moved on since, with no wake left to say so.
            let retried = pending != nil
            let (batch, next, more) = pending ?? makeBatch()
            pending = nil
            if batch.isEmpty { return true }
            do {
                try await history.backend.write(batch)
                revision = next.revision
                eventSeq = next.eventSeq
                if !batch.checkpoints.isEmpty { hasCheckpoint = true }
            } catch {
                // The mirror and the sampler are already past this batch, so
                // it is written again as it is. Once the store's log has
                // dropped what follows it, the updates in between are lost
                // anyway: record a gap instead (and stop retrying a batch the
                // database may never take).
                if case .gone = store.updates(after: next.revision, limit: 1) {
                    logger.error("history write failed; a gap will be recorded", metadata: ["error": "\(error)"])
                    mirror = nil
                } else {
                    logger.error("history write failed; retrying", metadata: ["error": "\(error)"])
                    pending = (batch, next, more)
                }
                try? await Task.sleep(for: .seconds(1))
                return false
            }
            if !more && !retried { return true }
        }
    }

    private mutating func makeBatch() -> (HistoryBatch, next: (revision: UInt64, eventSeq: UInt64), more: Bool) {
        let limit = history.configuration.batchLimit
        var batch = HistoryBatch()
        var next = (revision: revision, eventSeq: eventSeq)
        var more = false

        var read = mirror == nil ? LogRead.gone : store.updates(after: revision, limit: limit)
        if case .gone = read {
            // Start (or restart) from the store's current state: a gap from
            // the last recorded revision, and a checkpoint to rebuild from.
            let snapshot = store.snapshot()
            let replay = SlicedReplay(snapshot)
            if snapshot.revision != revision { batch.gap = HistoryGap(after: revision, resumedAt: snapshot.revision) }
            if snapshot.revision != revision || !hasCheckpoint {
                batch.checkpoints.append(checkpoint(of: replay, eventSeq: store.eventSeq))
            }
            mirror = replay
            sinceCheckpoint = 0
            next.revision = snapshot.revision
            read = store.updates(after: snapshot.revision, limit: limit)
        }
        if case .updates(let updates) = read, let last = updates.last {
            more = updates.count == limit
            batch.updates.reserveCapacity(updates.count)
            for update in updates {
                batch.updates.append(
                    .init(
                        revision: Int64(update.revision), at: update.timestamp.millisecondsSince1970,
                        json: Data(update.json)))
                // In place: a copy of the mirror would copy every entity per batch.
                do {
                    try mirror?.apply(update)
                } catch {
                    // The store wrote this JSON; if it cannot be read back,
                    // the next batch starts from a fresh snapshot (a gap).
                    mirror = nil
                }
                if let entity = update.entity {
                    if update.kind == .remove {
                        sampler.forget(entity.id)
                    } else {
                        sampler.sample(entity, at: update.timestamp, into: &batch.samples)
                    }
                } else if let connection = update.connection {
                    if update.kind == .connRemove {
                        sampler.forget(connection.id)
                    } else {
                        sampler.sample(connection, at: update.timestamp, into: &batch.samples)
                    }
                }
                sinceCheckpoint += 1
                if let replay = mirror,
                    sinceCheckpoint >= max(history.configuration.minimumCheckpointInterval, replay.itemCount)
                {
                    batch.checkpoints.append(checkpoint(of: replay, eventSeq: store.eventSeq))
                    sinceCheckpoint = 0
                }
            }
            next.revision = last.revision
        }

        if let events = store.events(after: eventSeq, limit: limit) {
            more = more || events.count == limit
            for logged in events {
                batch.events.append(
                    .init(
                        seq: Int64(logged.event.seq), at: logged.event.timestamp.millisecondsSince1970,
                        json: Data(logged.json)))
            }
            if let last = events.last { next.eventSeq = last.event.seq }
        } else if let oldest = store.events(filter: EventFilter(), limit: .max).last?.seq, oldest > eventSeq + 1 {
            // Out of the store's event window (or restored past it): go on
            // from the oldest event still retained.
            eventSeq = oldest - 1
            next.eventSeq = eventSeq
            more = true
        } else {
            eventSeq = store.eventSeq
            next.eventSeq = eventSeq
        }
        return (batch, next, more)
    }

    private func checkpoint(of replay: SlicedReplay, eventSeq: UInt64) -> HistoryBatch.Checkpoint {
        HistoryBatch.Checkpoint(
            revision: Int64(replay.revision), at: replay.timestamp.millisecondsSince1970,
            eventSeq: Int64(eventSeq), body: Data(replay.checkpointBody())
        )
    }
}
