import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltHistory

/// Retention cuts at a checkpoint: what is older goes, the checkpoint and
/// everything after it stay, and the oldest retained revision still rebuilds,
/// on each backend.
@Suite struct RetentionTests {
    static let start: Int64 = 1_800_000_000_000
    static let minute: Int64 = 60_000

    /// Three hours of history, one change and one event a minute.
    static func recordThreeHours(
        _ temp: TempHistory
    ) async throws -> (HistoryStore, TopologyStore, [UInt64: TopologyContent]) {
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: 9, pool: 8)
        var states: [UInt64: TopologyContent] = [:]
        for step in 0..<180 {
            let now = Timestamp(millisecondsSince1970: start + Int64(step) * minute)
            store.apply([.upsertEntity(generator.entity(step % 8, at: now))], now: now)
            states[store.revision] = TopologyContent(store.snapshot())
            store.record(
                InfraEvent(
                    type: "Normal", reason: "Tick", message: "\(step)", entityID: "test:pod/e0", entityKind: .pod,
                    entityName: "e0", severity: .info, timestamp: now))
        }
        try await Wait.recorded(history, revision: store.revision, eventSeq: store.eventSeq)
        await recorder.stop()
        return (history, store, states)
    }

    @Test(arguments: Backend.allCases)
    func ageRetentionDeletesOnlyWhatIsOlderThanTheKeptCheckpoint(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend) {
            $0.minimumCheckpointInterval = 10
            $0.retention = .seconds(3_600)
        }
        defer { temp.remove() }
        let (history, store, states) = try await Self.recordThreeHours(temp)
        let now = Timestamp(millisecondsSince1970: Self.start + 180 * Self.minute)
        let cutoff = now.millisecondsSince1970 - 3_600_000
        let kept = try #require(
            try await temp.integers(
                "SELECT revision FROM checkpoints WHERE at <= \(cutoff) ORDER BY revision DESC LIMIT 1"
            ).first)
        let keptRevision = UInt64(kept)

        let report = try await history.applyRetention(now: now)
        #expect(report.oldestRevision == keptRevision)
        #expect(report.updates == Int(keptRevision))

        let updates = try await temp.integers("SELECT revision FROM updates ORDER BY revision")
        let events = try await temp.integers("SELECT at FROM events ORDER BY seq")
        let samples = try await temp.integers("SELECT at FROM samples")
        let checkpoints = try await temp.integers("SELECT revision FROM checkpoints ORDER BY revision")
        #expect(
            updates == Array((Int64(keptRevision) + 1)...Int64(store.revision)),
            "every update after the kept checkpoint stays")
        #expect(checkpoints.first == Int64(keptRevision))
        #expect(events.allSatisfy { $0 >= cutoff } && events.count == 60, "events of the last hour stay, the rest go")
        #expect(samples.allSatisfy { $0 >= cutoff } && !samples.isEmpty)

        // The oldest retained revision rebuilds; anything before it is gone.
        for revision in keptRevision...store.revision {
            #expect(
                TopologyContent(try await history.topology(at: .revision(revision))) == states[revision],
                "revision \(revision)")
        }
        await #expect(throws: HistoryError.self) { try await history.topology(at: .revision(keptRevision - 1)) }
        #expect(
            try await history.oldestRebuildable(through: store.revision) == keptRevision,
            "answered from the checkpoints")
        await #expect(throws: HistoryError.self) {
            try await history.changes(after: keptRevision - 1, through: store.revision, limit: 10)
        }

        // A second pass at the same instant has nothing left to delete.
        let again = try await history.applyRetention(now: now)
        #expect(again.updates == 0 && again.checkpoints == 0 && again.events == 0 && again.samples == 0)
    }

    @Test(arguments: Backend.allCases)
    func sizeRetentionDropsTheOldestIntervalsAndKeepsTheNewestCheckpoint(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend) {
            $0.minimumCheckpointInterval = 10
            $0.maxBytes = 1
        }
        defer { temp.remove() }
        let (history, store, states) = try await Self.recordThreeHours(temp)
        let last = try #require(try await temp.integers("SELECT max(revision) FROM checkpoints").first)
        let report = try await history.applyRetention(
            now: Timestamp(millisecondsSince1970: Self.start + 180 * Self.minute))
        #expect(report.oldestRevision == UInt64(last), "a bound it cannot meet still keeps the newest checkpoint")
        for revision in UInt64(last)...store.revision {
            #expect(TopologyContent(try await history.topology(at: .revision(revision))) == states[revision])
        }
    }

    @Test(arguments: Backend.allCases)
    func ageRetentionWithNoCheckpointOldEnoughDeletesNothing(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend) {
            $0.minimumCheckpointInterval = 10
            $0.retention = .seconds(86_400)
        }
        defer { temp.remove() }
        let (history, store, _) = try await Self.recordThreeHours(temp)
        let report = try await history.applyRetention(
            now: Timestamp(millisecondsSince1970: Self.start + 180 * Self.minute))
        #expect(report.updates == 0 && report.events == 0 && report.samples == 0 && report.checkpoints == 0)
        #expect(
            try await history.changes(after: 0, through: store.revision, limit: 1000).updates.count
                == Int(store.revision))
    }
}
