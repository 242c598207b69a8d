import Foundation
import GRDB
import GestaltEngine

/// The SQLite file: WAL, so readers (history queries) never wait for the
/// recorder's transaction, and `synchronous = NORMAL`, so a commit does not
/// wait for the disk (a power cut may lose the last commits, never corrupt
/// the file; docs/HISTORY.md says what a restart then does).
struct HistoryDatabase: HistoryBackend {
    let pool: DatabasePool
    let path: String

    static func open(path: String) throws(HistoryStoreError) -> HistoryDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // 64 MiB of page cache per connection: samples land all over their
            // (entity, metric, time) index, and a small cache turns each into a read.
            // Fewer, larger WAL checkpoints: each one is where NORMAL syncs.
            try db.execute(
                sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8192")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        let migrator = HistorySchema.migrator
        do {
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(migrator.migrations)
            if !unknown.isEmpty { throw HistoryStoreError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
            try pool.writeWithoutTransaction { db in
                // Only takes effect on a new file; lets retention give pages back.
                if try migrator.appliedIdentifiers(db).isEmpty {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL; VACUUM")
                }
            }
            try migrator.migrate(pool)
        } catch let error as HistoryStoreError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        return HistoryDatabase(pool: pool, path: path)
    }

    func write(_ batch: HistoryBatch) async throws {
        try await pool.write { db in
            if let gap = batch.gap {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO gaps(resumed_at, after) VALUES (?, ?)",
                    arguments: [Int64(gap.resumedAt), Int64(gap.after)]
                )
            }
            if !batch.updates.isEmpty {
                let insert = try RowInsert(
                    db, sql: "INSERT OR REPLACE INTO updates(revision, at, json) VALUES (?, ?, ?)")
                for update in batch.updates {
                    try insert.run { bind in
                        bind(1, update.revision)
                        bind(2, update.at)
                        bind(3, update.json)
                    }
                }
            }
            if !batch.events.isEmpty {
                let insert = try RowInsert(db, sql: "INSERT OR REPLACE INTO events(seq, at, json) VALUES (?, ?, ?)")
                for event in batch.events {
                    try insert.run { bind in
                        bind(1, event.seq)
                        bind(2, event.at)
                        bind(3, event.json)
                    }
                }
            }
            if !batch.samples.isEmpty {
                let insert = try RowInsert(
                    db, sql: "INSERT OR REPLACE INTO samples(entity_id, name, at, value) VALUES (?, ?, ?, ?)")
                for sample in batch.samples {
                    try insert.run { bind in
                        bind(1, sample.entityID)
                        bind(2, sample.name)
                        bind(3, sample.at)
                        bind(4, sample.value)
                    }
                }
            }
            for checkpoint in batch.checkpoints {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO checkpoints(revision, at, event_seq, body) VALUES (?, ?, ?, ?)",
                    arguments: [checkpoint.revision, checkpoint.at, checkpoint.eventSeq, checkpoint.body]
                )
            }
        }
    }

    func recordedCounters() async throws -> HistoryCounters {
        try await pool.read { db in
            let update = try Int64.fetchOne(db, sql: "SELECT max(revision) FROM updates") ?? 0
            let checkpoint = try Int64.fetchOne(db, sql: "SELECT max(revision) FROM checkpoints")
            let event = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
            let checkpointSeq = try Int64.fetchOne(db, sql: "SELECT max(event_seq) FROM checkpoints") ?? 0
            return HistoryCounters(
                revision: UInt64(max(update, checkpoint ?? 0)), eventSeq: UInt64(max(event, checkpointSeq)),
                hasCheckpoint: checkpoint != nil
            )
        }
    }

    func usedBytes() async throws -> Int64 {
        try await pool.read { db in try HistoryStore.usedBytes(db) }
    }

    func close() async { try? pool.close() }
}
