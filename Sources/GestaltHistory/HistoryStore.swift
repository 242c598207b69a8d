import Foundation
import GRDB
import GestaltEngine
import GestaltModel

/// The recorded past of one store: open it, start a `HistoryRecorder` to
/// fill it and a `HistoryRetention` to bound it, and ask it questions
/// (`HistoryQueries`). It keeps its rows in a `HistoryBackend`: the SQLite
/// file by default, PostgreSQL when `configuration.url` names one. Reads
/// never wait for the recorder's writes (SQLite's WAL readers, PostgreSQL's
/// pooled connections).
package final class HistoryStore: HistoryQueries {
    package let configuration: HistoryConfiguration
    /// The storage everything goes through: recorder, resume, reads, retention.
    let backend: any HistoryBackend

    init(configuration: HistoryConfiguration, backend: any HistoryBackend) {
        self.configuration = configuration
        self.backend = backend
    }

    /// Opens the configured backend: PostgreSQL when `configuration.url` is
    /// set (connecting, migrating, and refusing a newer schema), else the
    /// SQLite file. A bad URL or an unreachable server throws here.
    package static func connect(_ configuration: HistoryConfiguration) async throws(HistoryStoreError) -> HistoryStore {
        guard let url = configuration.url else { return try open(configuration) }
        return HistoryStore(configuration: configuration, backend: try await PostgresHistoryBackend.open(url: url))
    }

    /// Closes the backend's connections (PostgreSQL) or file (SQLite).
    package func close() async { await backend.close() }

    /// Opens (creating when missing) the history file under the configured
    /// directory (SQLite, whatever `url` says). Throws `newerSchema` for a
    /// file from a newer gestalt.
    package static func open(_ configuration: HistoryConfiguration) throws(HistoryStoreError) -> HistoryStore {
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: configuration.directory, reason: "cannot create the directory: \(error)")
        }
        return HistoryStore(configuration: configuration, backend: try HistoryDatabase.open(path: configuration.path))
    }

    /// The counter a restarted store must start from: above every revision
    /// and event seq on disk, so the recorder marks the restart as a gap and
    /// no recorded revision is ever reused. Callers take the larger of this
    /// and `StoreConfiguration.processBase()` (docs/HISTORY.md).
    package func resumeCounter() async throws -> UInt64 {
        let counters = try await recordedCounters()
        return counters.hasCheckpoint ? max(counters.revision, counters.eventSeq) + 1 : 0
    }

    /// The newest revision on disk: what a restart would find.
    package func durableRevision() async throws -> UInt64 { try await recordedCounters().revision }

    /// The newest revision and event seq on disk.
    func recordedCounters() async throws -> HistoryCounters { try await backend.recordedCounters() }

    /// Bytes the history's live rows take (SQLite: freed pages excluded;
    /// PostgreSQL: docs/HISTORY.md).
    package func usedBytes() async throws -> Int64 { try await backend.usedBytes() }

    static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }
}
