import Foundation
import GRDB
import Testing

@testable import GestaltHistory

@Suite struct SchemaTests {
    @Test func aFileFromANewerSchemaIsRefusedAndLeftAlone() async throws {
        let temp = try await TempHistory.make()
        defer { temp.remove() }
        _ = try await temp.open()
        let queue = try DatabaseQueue(path: temp.configuration.path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v2-from-the-future')")
        }
        try queue.close()
        #expect(
            throws: HistoryStoreError.newerSchema(
                path: temp.configuration.path, unknownMigrations: ["v2-from-the-future"])
        ) {
            _ = try HistoryStore.open(temp.configuration)
        }
        let error = HistoryStoreError.newerSchema(path: "x", unknownMigrations: ["v2"])
        #expect(error.description.contains("newer gestalt"))
    }

    @Test func reopeningAFileOfThisSchemaWorks() async throws {
        let temp = try await TempHistory.make()
        defer { temp.remove() }
        _ = try await temp.open()
        _ = try await temp.open()
        let mode = try await DatabaseQueue(path: temp.configuration.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(mode == "wal")
    }

    @Test func anUnwritableDirectoryIsAClearError() {
        var configuration = HistoryConfiguration(directory: "/proc/no-such-place/history")
        configuration.retention = nil
        #expect(throws: HistoryStoreError.self) { _ = try HistoryStore.open(configuration) }
    }
}
