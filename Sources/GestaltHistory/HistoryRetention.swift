import GRDB
package import GestaltModel
package import Logging
import ServiceLifecycle

/// What one retention pass deleted.
package struct RetentionReport: Sendable, Hashable {
    package var updates = 0
    package var checkpoints = 0
    package var events = 0
    package var samples = 0
    /// The oldest revision that still rebuilds (nil: nothing recorded).
    package var oldestRevision: UInt64?
}

extension HistoryStore {
    /// Deletes what is older than `retention` and, while the live bytes are
    /// over `maxBytes`, the oldest checkpoint interval. The cut is always at
    /// a checkpoint, which is kept: the oldest retained revision rebuilds
    /// from it, and no revision after it loses an update.
    package func applyRetention(now: Timestamp = .now()) async throws -> RetentionReport {
        try await backend.applyRetention(retention: configuration.retention, maxBytes: configuration.maxBytes, now: now)
    }
}

/// SQLite's retention: one write transaction, then an incremental vacuum
/// gives the freed pages back to the file system.
extension HistoryDatabase {
    func applyRetention(retention: Duration?, maxBytes: Int64?, now: Timestamp) async throws -> RetentionReport {
        let report = try await pool.write { db in
            var report = RetentionReport()
            if let retention {
                let cutoff = now.millisecondsSince1970 - retention.components.seconds * 1000
                if let keep = try Row.fetchOne(
                    db, sql: "SELECT revision, at FROM checkpoints WHERE at <= ? ORDER BY revision DESC LIMIT 1",
                    arguments: [cutoff])
                {
                    try Self.deleteBefore(checkpoint: keep["revision"], at: cutoff, in: db, report: &report)
                }
            }
            if let maxBytes {
                while try HistoryStore.usedBytes(db) > maxBytes,
                    let keep = try Row.fetchOne(
                        db, sql: "SELECT revision, at FROM checkpoints ORDER BY revision LIMIT 1 OFFSET 1")
                {
                    try Self.deleteBefore(checkpoint: keep["revision"], at: keep["at"], in: db, report: &report)
                }
            }
            report.oldestRevision = try Int64.fetchOne(db, sql: "SELECT min(revision) FROM checkpoints").map(
                UInt64.init)
            return report
        }
        try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
        return report
    }

    private static func deleteBefore(
        checkpoint revision: Int64, at cutoff: Int64, in db: Database, report: inout RetentionReport
    ) throws {
        try db.execute(sql: "DELETE FROM updates WHERE revision <= ?", arguments: [revision])
        report.updates += db.changesCount
        try db.execute(sql: "DELETE FROM checkpoints WHERE revision < ?", arguments: [revision])
        report.checkpoints += db.changesCount
        try db.execute(sql: "DELETE FROM gaps WHERE resumed_at <= ?", arguments: [revision])
        try db.execute(sql: "DELETE FROM events WHERE at < ?", arguments: [cutoff])
        report.events += db.changesCount
        try db.execute(sql: "DELETE FROM samples WHERE at < ?", arguments: [cutoff])
        report.samples += db.changesCount
    }
}

/// Runs retention every `retentionInterval`, beside the recorder. On SQLite
/// the recorder's next transaction waits at most for one delete pass (WAL);
/// on PostgreSQL not even that (MVCC, its own connection). The store and
/// streams never wait at all.
package struct HistoryRetention: Service {
    let history: HistoryStore
    let logger: Logger

    package init(history: HistoryStore, logger: Logger = Logger(label: "gestalt.history")) {
        self.history = history
        self.logger = logger
    }

    package func run() async throws {
        let interval = history.configuration.retentionInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let report = try await history.applyRetention()
                if report.updates + report.events + report.samples > 0 {
                    logger.debug(
                        "history retention",
                        metadata: [
                            "updates": "\(report.updates)", "events": "\(report.events)",
                            "samples": "\(report.samples)",
                        ])
                }
            } catch {
                logger.error("history retention failed", metadata: ["error": "\(error)"])
            }
            // Graceful shutdown cuts the wait short.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
