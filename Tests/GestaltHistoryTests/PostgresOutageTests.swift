import Foundation
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@testable import GestaltHistory

/// PostgreSQL stops under a running recorder and comes back: the store
/// goes on applying (and streaming), the batch the recorder could not write
/// meanwhile (its write waits for the pool to reconnect, or fails and is
/// kept to be written again) is written once the server is back, with no
/// gap while the store's log still holds it (docs/HISTORY.md, "Recording"),
/// and recording goes on.
@Suite struct PostgresOutageTests {
    @Test func recordingResumesWithNoLossWhenPostgresComesBack() async throws {
        let temp = try await TempHistory.make(.postgres) { $0.minimumCheckpointInterval = 20 }
        defer { temp.remove() }
        let server = try #require(temp.server)
        var generator = ChangeGenerator(seed: 23)
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        for _ in 0..<60 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision)
        let beforeOutage = store.revision

        server.stop()
        try await waitUntil("postgres to stop answering") { (try? server.psql("SELECT 1")) == nil }
        for _ in 0..<60 { store.apply([generator.change(at: .now())]) }
        store.record(
            InfraEvent(
                type: "Warning", reason: "Outage", message: "during the outage", entityID: "test:pod/e1",
                entityKind: .pod, entityName: "e1", severity: .warning))
        #expect(store.revision > beforeOutage, "the store applies while history is down")

        try await server.start()
        for _ in 0..<20 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision, eventSeq: store.eventSeq)

        let page = try await history.changes(after: beforeOutage, through: store.revision, limit: 10_000)
        #expect(page.gaps.isEmpty, "an outage shorter than the store's log leaves no gap")
        #expect(page.revisions == Array((beforeOutage + 1)...store.revision), "every revision, once, in order")
        #expect(
            TopologyContent(try await history.topology(at: .revision(store.revision)))
                == TopologyContent(store.snapshot()))
        let events = try await history.events(
            since: Timestamp(millisecondsSince1970: 0), until: .now(), filter: EventFilter(), limit: 100)
        #expect(events.contains { $0.reason == "Outage" }, "the event from the outage is recorded")
        await recorder.stop()
    }
}
