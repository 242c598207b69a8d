import Foundation
import GestaltEngine
@testable import GestaltHistory
import Testing
import TestPeers

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
        batch.updates = (1...3).map { HistoryBatch.Update(revision: $0, at: 1000 + $0, json: Data("{\"r\":\($0)}".utf8)) }
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
        #expect(try await backend.checkpoint(atOrBefore: 3)?.key == 1)
        #expect(try await backend.updates(after: 1, through: 3, limit: 10).map(\.key) == [2, 3])
        #expect(try await backend.updates(after: 0, through: 3, limit: 2).map(\.key) == [1, 2])
        #expect(try await backend.newestRevision(atOrBefore: 1002) == 2)
        #expect(try await backend.newestRevision(atOrBefore: 10) == nil)
        #expect(try await backend.events(since: 1000, until: 1004).map(\.key) == [4])
        var more = HistoryBatch()
        more.samples = [1000, 1004, 1010, 1030].map { HistoryBatch.Sample(entityID: "p2", name: "cpu_percent", at: $0, value: Double($0 - 1000)) }
        try await backend.write(more)
        let buckets = try await backend.metricBuckets(entityID: "p2", name: "cpu_percent", start: 1000, until: 1030, step: 10)
        #expect(buckets == [
            PostgresHistoryBackend.Bucket(start: 1000, min: 0, avg: 2, max: 4, count: 2),
            PostgresHistoryBackend.Bucket(start: 1010, min: 10, avg: 10, max: 10, count: 1),
            PostgresHistoryBackend.Bucket(start: 1030, min: 30, avg: 30, max: 30, count: 1),
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
        await #expect(throws: HistoryStoreError.newerSchema(path: place, unknownMigrations: (2...99).map { "v\($0)" })) {
            _ = try await PostgresHistoryBackend.open(url: server.url(database: "history"))
        }
    }
}
