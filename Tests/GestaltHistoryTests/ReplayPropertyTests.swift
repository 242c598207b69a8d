import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltHistory

/// Rebuilding revision R from a checkpoint and the deltas after it gives
/// exactly the live store's state at R, for random R and random histories,
/// on each backend.
@Suite struct ReplayPropertyTests {
    @Test(arguments: Backend.allCases, [1, 2, 3, 42] as [UInt64])
    func rebuildEqualsLiveStateAtRandomRevisions(backend: Backend, seed: UInt64) async throws {
        let temp = try await TempHistory.make(backend) { $0.minimumCheckpointInterval = 25 }
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: seed)
        var live: [UInt64: TopologyContent] = [store.revision: TopologyContent(store.snapshot())]
        let start = Timestamp.now().millisecondsSince1970
        for step in 0..<600 {
            // One change per apply, so every revision has a snapshot to compare with.
            store.apply([generator.change(at: Timestamp(millisecondsSince1970: start + Int64(step)))])
            live[store.revision] = TopologyContent(store.snapshot())
        }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()

        var random = SeededRandom(state: seed)
        let revisions = live.keys.sorted()
        for _ in 0..<60 {
            let revision = revisions.randomElement(using: &random)!
            let rebuilt = try await history.topology(at: .revision(revision))
            #expect(TopologyContent(rebuilt) == live[revision], "revision \(revision), seed \(seed)")
            #expect(rebuilt.revision == revision)
        }
        // The first and the last are the edge cases of checkpoint lookup.
        for revision in [revisions.first!, revisions.last!] {
            #expect(TopologyContent(try await history.topology(at: .revision(revision))) == live[revision])
        }
        let checkpoints = try await temp.integers("SELECT count(*) FROM checkpoints")
        #expect((checkpoints.first ?? 0) > 3, "the test must cross several checkpoints")
    }

    @Test(arguments: Backend.allCases)
    func timeQueryAnswersTheLastRevisionAtOrBeforeTheInstant(backend: Backend) async throws {
        let temp = try await TempHistory.make(backend)
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        var generator = ChangeGenerator(seed: 7)
        let base: Int64 = 1_800_000_000_000
        var states: [(Int64, TopologyContent)] = []
        for minute in 1...20 {
            let time = base + Int64(minute) * 60_000
            store.apply(
                [generator.change(at: Timestamp(millisecondsSince1970: time))],
                now: Timestamp(millisecondsSince1970: time))
            states.append((time, TopologyContent(store.snapshot())))
        }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()
        for (time, state) in states {
            #expect(
                TopologyContent(try await history.topology(at: .time(Timestamp(millisecondsSince1970: time + 30_000))))
                    == state)
        }
    }
}
