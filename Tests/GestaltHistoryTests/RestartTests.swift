import Foundation
import GestaltEngine
@testable import GestaltHistory
import GestaltModel
import Testing

/// A restart, crash included: the store resumes above every recorded
/// revision, history reads on across the restart with the gap marked, and
/// a client past the durable revision is sent a `full`.
@Suite struct RestartTests {
    @Test func reopenedHistoryContinuesTheCounterWithNoDuplicateOrMissingRevision() async throws {
        let temp = TempHistory { $0.minimumCheckpointInterval = 20 }
        defer { temp.remove() }
        var generator = ChangeGenerator(seed: 11)

        // First life: record 100 changes, then "crash" with 30 more applied
        // (and streamed) but never written.
        let first = try temp.open()
        let before = TopologyStore()
        let recorder = try await RunningRecorder.start(history: first, store: before)
        for _ in 0..<100 { before.apply([generator.change(at: .now())]) }
        let durable = before.revision
        let durableState = TopologyContent(before.snapshot())
        try await Wait.recorded(first, revision: durable)
        await recorder.stop()
        for _ in 0..<30 { before.apply([generator.change(at: .now())]) }
        let streamed = before.revision
        #expect(streamed > durable)
        let preRestart: UInt64 = durable / 2

        // Second life, from the same file.
        let second = try temp.open()
        #expect(try await second.recordedCounters().revision == durable, "the unwritten batch is gone")
        let counter = try await second.resumeCounter()
        #expect(counter > durable)
        // A real restart starts at the process base, far above `counter`.
        let base = counter + 1000
        var configuration = StoreConfiguration()
        configuration.startingCounter = base
        let after = TopologyStore(configuration: configuration)
        // A client that saw the lost revisions cannot resume: it is sent a `full`.
        if case .updates = after.updates(after: streamed) { Issue.record("a client past the durable revision must get a full") }
        let secondRecorder = try await RunningRecorder.start(history: second, store: after)
        for _ in 0..<50 { after.apply([generator.change(at: .now())]) }
        try await Wait.recorded(second, revision: after.revision)
        await secondRecorder.stop()

        let page = try await second.changes(after: preRestart, through: after.revision, limit: 10_000)
        let revisions = try page.updates.map { try JSONDecoder().decode(TopologyUpdate.self, from: Data($0)).revision }
        let expected = Array((preRestart + 1)...durable) + Array((base + 1)...after.revision)
        #expect(revisions == expected)
        #expect(page.gaps == [HistoryGap(after: durable, resumedAt: base)])
        #expect(page.next == nil)
        #expect(TopologyContent(try await second.topology(at: .revision(durable))) == durableState)
        // Inside the gap the last durable state stands; at its end, the restarted store's.
        #expect(TopologyContent(try await second.topology(at: .revision(durable + 500))) == durableState)
        #expect(try await second.topology(at: .revision(base)).entities.isEmpty)
        #expect(TopologyContent(try await second.topology(at: .revision(after.revision))) == TopologyContent(after.snapshot()))
    }

    @Test func aRecorderRefusesAStoreBehindTheHistory() async throws {
        let temp = TempHistory()
        defer { temp.remove() }
        let history = try temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: 3)
        for _ in 0..<10 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()
        await #expect(throws: HistoryRecorderError.self) {
            try await HistoryRecorder(history: try temp.open(), store: TopologyStore()).run()
        }
    }

    @Test func changesArePagedWithNext() async throws {
        let temp = TempHistory()
        defer { temp.remove() }
        let history = try temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: 5)
        while store.revision < 25 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()
        var after: UInt64 = 0
        var seen: [UInt64] = []
        while true {
            let page = try await history.changes(after: after, through: 25, limit: 10)
            seen += try page.updates.map { try JSONDecoder().decode(TopologyUpdate.self, from: Data($0)).revision }
            guard let next = page.next else { break }
            after = next
        }
        #expect(seen == Array(1...25))
        await #expect(throws: HistoryError.self) { try await history.changes(after: 9, through: 3, limit: 10) }
    }
}
