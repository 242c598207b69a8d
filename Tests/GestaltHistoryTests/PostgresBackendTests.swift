import Foundation
import GestaltEngine
import GestaltModel
import PostgresNIO
import TestPeers
import Testing

@testable import GestaltHistory

/// The PostgreSQL backend's storage half against a real PostgreSQL 15:
/// migrations, refusal of a newer schema, batch writes and the counters a
/// restart resumes from.
@Suite struct PostgresBackendTests {
    @Test func aBatchIsWrittenAndItsCountersReadBack() async throws {
        let server = try await PostgresServer.start(name: "history-pg")
        defer { server.shutdown() }
        _ = try server.psql("CREATE DATABASE history")
        let backend = try await PostgresHistoryBackend.open(url: server.url(database: "history"))
        var batch = HistoryBatch()
        batch.gap = HistoryGap(after: 0, resumedAt: 1)
        batch.updates = (1...3).map {
            HistoryBatch.Update(revision: $0, at: 1000 + $0, json: Data("{\"r\":\($0)}".utf8))
        }
        batch.events = [HistoryBatch.Event(seq: 4, at: 1004, json: Data("{}".utf8))]
        batch.samples = [
            HistoryBatch.Sample(entityID: "p1", name: "cpu_percent", at: 1001, value: 1),
            HistoryBatch.Sample(entityID: "p1", name: "cpu_percent", at: 1001, value: 2),
        ]
        batch.checkpoints = [HistoryBatch.Checkpoint(revision: 1, at: 1001, eventSeq: 0, body: Data("{}".utf8))]
        try await backend.write(batch)
        try await backend.write(batch)
        #expect(try await backend.recordedCounters() == HistoryCounters(revision: 3, eventSeq: 4, hasCheckpoint: true))
        #expect(try await backend.usedBytes() > 0)
        #expect(try server.psql("SELECT count(*) || ',' || max(value) FROM samples", database: "history") == "1,2")
        let pieces = try await backend.client.withConnection { connection throws in
            (
                try await backend.checkpoint(atOrBefore: 3, on: connection)?.key,
                try await backend.updates(after: 1, through: 3, limit: 10, on: connection).map(\.key),
                try await backend.updates(after: 0, through: 3, limit: 2, on: connection).map(\.key),
                try await backend.newestRevision(atOrBefore: 1002, on: connection),
                try await backend.newestRevision(atOrBefore: 10, on: connection)
            )
        }
        #expect(pieces.0 == 1)
        #expect(pieces.1 == [2, 3])
        #expect(pieces.2 == [1, 2])
        #expect(pieces.3 == 2)
        #expect(pieces.4 == nil)
        var more = HistoryBatch()
        more.samples = [1000, 1004, 1010, 1030].map {
            HistoryBatch.Sample(entityID: "p2", name: "cpu_percent", at: $0, value: Double($0 - 1000))
        }
        try await backend.write(more)
        let series = try await backend.metrics(
            entityID: "p2", names: ["cpu_percent"], since: Timestamp(millisecondsSince1970: 1000),
            until: Timestamp(millisecondsSince1970: 1030),
            stepMilliseconds: 10
        )
        #expect(
            series.first?.points == [
                MetricSeries.Point(time: Timestamp(millisecondsSince1970: 1000), min: 0, avg: 2, max: 4, count: 2),
                MetricSeries.Point(time: Timestamp(millisecondsSince1970: 1010), min: 10, avg: 10, max: 10, count: 1),
                MetricSeries.Point(time: Timestamp(millisecondsSince1970: 1030), min: 30, avg: 30, max: 30, count: 1),
            ])
        await backend.close()

        // Reopening applies nothing twice.
        let again = try await PostgresHistoryBackend.open(url: server.url(database: "history"))
        #expect(try await again.recordedCounters().revision == 3)
        await again.close()
    }

    @Test func aDatabaseFromANewerSchemaIsRefused() async throws {
        let server = try await PostgresServer.start(name: "history-pg")
        defer { server.shutdown() }
        _ = try server.psql("CREATE DATABASE history")
        let first = try await PostgresHistoryBackend.open(url: server.url(database: "history"))
        await first.close()
        _ = try server.psql("INSERT INTO gestalt_history_schema(version) VALUES (99)", database: "history")
        let place = "postgres://postgres@127.0.0.1:\(server.port)/history"
        await #expect(throws: HistoryStoreError.newerSchema(path: place, unknownMigrations: (3...99).map { "v\($0)" }))
        {
            _ = try await PostgresHistoryBackend.open(url: server.url(database: "history"))
        }
    }

    /// `maxBytes` bounds a count of the live rows' bytes, kept in step with
    /// every write and delete: it always equals the same measure summed over
    /// the tables, and retention takes off exactly what it deleted, while the
    /// tables' size on disk (`pg_total_relation_size`) is not what it reads.
    @Test func theLiveBytesCountFollowsWritesAndRetention() async throws {
        let temp = try await TempHistory.make(.postgres) {
            $0.minimumCheckpointInterval = 10
            $0.retention = .seconds(3_600)
        }
        defer { temp.remove() }
        let (history, _, _) = try await RetentionTests.recordThreeHours(temp)
        let backend = try #require(history.backend as? PostgresHistoryBackend)
        let summed = PostgresHistorySchema.tables.map {
            "(SELECT coalesce(sum(\(PostgresHistorySchema.bytes[$0]!)), 0) FROM \($0))"
        }
        .joined(separator: " + ")
        let before = try await history.usedBytes()
        #expect(before > 0)
        #expect(try await temp.integers("SELECT \(summed)") == [before])
        #expect(try await backend.diskBytes() > 0)

        let report = try await history.applyRetention(
            now: Timestamp(millisecondsSince1970: RetentionTests.start + 180 * RetentionTests.minute))
        #expect(report.updates > 0)
        let after = try await history.usedBytes()
        #expect(after < before)
        #expect(try await temp.integers("SELECT \(summed)") == [after], "the count is what the rows left take")

        // A size bound it cannot meet keeps the newest checkpoint, as on SQLite.
        let bounded = HistoryStore(
            configuration: {
                var c = history.configuration; c.maxBytes = 1; return c
            }(), backend: backend)
        let last = try #require(try await temp.integers("SELECT max(revision) FROM checkpoints").first)
        #expect(try await bounded.applyRetention().oldestRevision == UInt64(last))
        #expect(try await temp.integers("SELECT \(summed)") == [try await history.usedBytes()])
    }
}
