import Foundation
import GRDB
import GRDBSQLite
import GestaltEngine
import GestaltModel
import Logging
import TestPeers
import Testing

@testable import GestaltHistory

/// Another connection holds the SQLite file's write lock under a running
/// recorder (`BEGIN IMMEDIATE`; the recorder's pool does not wait for a
/// lock, so its write fails with SQLITE_BUSY at once), then lets go. The
/// store goes on applying; the batch the recorder could not write is kept
/// and written again on its own, once a second, with no new change to
/// wake it, and history ends up with every revision once, in order, and no
/// gap (docs/HISTORY.md, "Recording"). PostgresOutageTests does the same
/// with PostgreSQL stopped.
@Suite struct WriteFailureTests {
    /// The lock is taken after the recorder woke for the first changes, so
    /// the failed batch is small and the rest piles up behind it with no
    /// wake left: the retry must go on to write it (it used to stop after
    /// the retried batch until the next change).
    @Test func aLockedDatabaseFileIsRetriedUntilEveryRevisionIsRecordedOnceInOrder() async throws {
        let temp = try await TempHistory.make(.sqlite) { $0.minimumCheckpointInterval = 20 }
        defer { temp.remove() }
        let history = try await temp.open()
        let failures = CapturedLog()
        let store = TopologyStore()
        var generator = ChangeGenerator(seed: 31)
        let recorder = try await RunningRecorder.start(
            history: history, store: store, logger: failures.logger(label: "gestalt.history"))
        for _ in 0..<40 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision)
        let beforeLock = store.revision

        let lock = try WriteLock(path: temp.configuration.path)
        for _ in 0..<200 { store.apply([generator.change(at: .now())]) }
        store.record(
            InfraEvent(
                type: "Warning", reason: "Locked", message: "while the file was locked", entityID: "test:pod/e1",
                entityKind: .pod, entityName: "e1", severity: .warning))
        let last = (revision: store.revision, eventSeq: store.eventSeq)
        try await waitUntil("the recorder to fail a batch") {
            failures.count(containing: "history write failed; retrying") >= 1
        }
        #expect(try await history.recordedCounters().revision < last.revision, "a locked file takes no batch")

        // The lock goes, and nothing more is applied: only a retry can write what is left.
        try lock.release()
        do {
            try await Wait.recorded(history, revision: last.revision, eventSeq: last.eventSeq)
        } catch {
            let counters = try await history.recordedCounters()
            Issue.record(
                "\(failures.count(containing: "retrying")) failures, last: \(failures.lines.last ?? "none"); recorded \(counters)"
            )
            throw error
        }
        #expect(store.revision == last.revision)

        let page = try await history.changes(after: beforeLock, through: last.revision, limit: 10_000)
        #expect(page.gaps.isEmpty, "a failure shorter than the store's log leaves no gap")
        #expect(page.revisions == Array((beforeLock + 1)...last.revision), "every revision, once, in order")
        #expect(
            TopologyContent(try await history.topology(at: .revision(last.revision)))
                == TopologyContent(store.snapshot()))
        let events = try await history.events(
            since: Timestamp(millisecondsSince1970: 0), until: .now(), filter: EventFilter(), limit: 100)
        #expect(events.filter { $0.reason == "Locked" }.count == 1, "the event from the locked spell, once")
        #expect(failures.count(containing: "a gap will be recorded") == 0)
        await recorder.stop()
    }
}

/// A plain SQLite connection of the test's own holding the file's write lock.
struct WriteLock {
    private let handle: OpaquePointer

    init(path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let handle else {
            throw DatabaseError(message: "cannot open \(path)")
        }
        self.handle = handle
        try execute("BEGIN IMMEDIATE")
    }

    func release() throws {
        try execute("COMMIT")
        sqlite3_close_v2(handle)
    }

    private func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw DatabaseError(message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }
}
