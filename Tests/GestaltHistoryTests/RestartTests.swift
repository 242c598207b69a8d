import Foundation
import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltHistory

/// A restart, crash included: the store reloads the recorded topology and
/// the updates before it, continues above every revision an earlier process
/// may have streamed, and history reads on across the restart with no gap. A
/// client whose last revision is durable resumes exactly; one past it (a
/// revision lost in the crash) is told to resync with a `full`.
@Suite struct RestartTests {
    @Test(arguments: Backend.allCases)
    func aRestoredStoreResumesEveryDurableRevisionExactlyAndResyncsLostOnes(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend) { $0.minimumCheckpointInterval = 20 }
        defer { temp.remove() }
        var generator = ChangeGenerator(seed: 11)

        // First life: record 100 changes, then "crash" with 30 more applied
        // (and streamed) but never written.
        let first = try await temp.open()
        let before = TopologyStore()
        let recorder = try await RunningRecorder.start(history: first, store: before)
        for _ in 0..<100 { before.apply([generator.change(at: .now())]) }
        let durable = before.revision
        let durableState = TopologyContent(before.snapshot())
        try await Wait.recorded(first, revision: durable)
        await recorder.stop()
        let clientSaw: UInt64 = durable - 40
        guard case .updates(let sentBefore) = before.updates(after: clientSaw) else {
            Issue.record("the first store holds its recent updates"); return
        }
        for _ in 0..<30 { before.apply([generator.change(at: .now())]) }
        let streamed = before.revision
        #expect(streamed > durable)

        // Second life, from the same file.
        let second = try await temp.open()
        #expect(try await second.recordedCounters().revision == durable, "the unwritten batch is gone")
        let counter = try await second.resumeCounter()
        #expect(counter > durable)
        // A real restart starts at the process base, far above `counter`.
        let base = counter + 1000
        var configuration = StoreConfiguration()
        configuration.startingCounter = base
        let after = TopologyStore(configuration: configuration)
        let outcome = try #require(try await HistoryRestore.restore(after, from: second))
        #expect(outcome.revision == durable && after.revision == durable)
        #expect(TopologyContent(after.snapshot()) == durableState, "the recorded topology is back")

        // A client that saw a lost revision cannot resume: it is sent a `full`.
        if case .updates = after.updates(after: streamed) {
            Issue.record("a client past the durable revision must get a full")
        }
        if case .updates = after.updates(after: durable + 1) { Issue.record("a lost revision has no place in the log") }

        let secondRecorder = try await RunningRecorder.start(history: second, store: after)
        for _ in 0..<50 { after.apply([generator.change(at: .now())]) }
        try await Wait.recorded(second, revision: after.revision)
        await secondRecorder.stop()

        // A client that saw a durable revision gets exactly what it missed:
        // the same bytes the first life logged up to the crash, then the new life's.
        guard case .updates(let missed) = after.updates(after: clientSaw) else {
            Issue.record("a durable revision must resume"); return
        }
        let expected = Array((clientSaw + 1)...durable) + Array((base + 1)...after.revision)
        #expect(missed.map(\.revision) == expected)
        #expect(missed.prefix(sentBefore.count).map(\.json) == sentBefore.map(\.json))
        #expect(after.backlog(after: clientSaw) == expected.count)

        let page = try await second.changes(after: clientSaw, through: after.revision, limit: 10_000)
        let revisions = try page.updates.map { try JSONDecoder().decode(TopologyUpdate.self, from: Data($0)).revision }
        #expect(revisions == expected)
        #expect(page.gaps.isEmpty, "a restored store leaves no gap")
        #expect(TopologyContent(try await second.topology(at: .revision(durable))) == durableState)
        #expect(TopologyContent(try await second.topology(at: .revision(durable + 500))) == durableState)
        #expect(
            TopologyContent(try await second.topology(at: .revision(after.revision)))
                == TopologyContent(after.snapshot()))
    }

    @Test(arguments: Backend.allCases)
    func aRestoreAcrossARecordedGapStartsAtItsCheckpoint(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend) { $0.minimumCheckpointInterval = 20 }
        defer { temp.remove() }
        var generator = ChangeGenerator(seed: 12)
        // A life recorded the old way: a store that starts empty after a restart leaves a gap.
        let history = try await temp.open()
        let one = TopologyStore()
        var recorder = try await RunningRecorder.start(history: history, store: one)
        for _ in 0..<40 { one.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: one.revision)
        await recorder.stop()
        var configuration = StoreConfiguration()
        configuration.startingCounter = try await history.resumeCounter() + 100
        let two = TopologyStore(configuration: configuration)
        recorder = try await RunningRecorder.start(history: history, store: two)
        for _ in 0..<30 { two.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: two.revision)
        await recorder.stop()

        let three = TopologyStore(configuration: configuration)
        let outcome = try #require(try await HistoryRestore.restore(three, from: history))
        let afterGap = Int(two.revision - configuration.startingCounter)
        #expect(afterGap > 0)
        #expect(outcome.revision == two.revision && outcome.loggedUpdates == afterGap)
        #expect(TopologyContent(three.snapshot()) == TopologyContent(two.snapshot()))
        if case .updates = three.updates(after: one.revision) { Issue.record("no resume across a recorded gap") }
        guard case .updates(let missed) = three.updates(after: configuration.startingCounter) else {
            Issue.record("the gap's checkpoint resumes"); return
        }
        #expect(missed.count == afterGap)
    }

    @Test(arguments: Backend.allCases)
    func aRecorderRefusesAStoreBehindTheHistory(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend)
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: 3)
        for _ in 0..<10 { store.apply([generator.change(at: .now())]) }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()
        await #expect(throws: HistoryRecorderError.self) {
            try await HistoryRecorder(history: try await temp.open(), store: TopologyStore()).run()
        }
    }

    @Test(arguments: Backend.allCases)
    func changesArePagedWithNext(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend)
        defer { temp.remove() }
        let history = try await temp.open()
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
