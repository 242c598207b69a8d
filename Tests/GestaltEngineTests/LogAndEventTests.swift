import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@Suite struct UpdateLogTests {
    @Test func readsExactlyTheUpdatesAfterARevision() {
        let store = TopologyStore()
        store.apply((0..<10).map { .upsertEntity(pod("p\($0)")) })
        guard case .updates(let after) = store.updates(after: 6) else { Issue.record("expected updates"); return }
        #expect(after.map(\.revision) == [7, 8, 9, 10])
        guard case .updates(let none) = store.updates(after: 10) else { Issue.record("expected updates"); return }
        #expect(none.isEmpty)
    }

    @Test func tooOldOrUnknownIsGone() {
        var configuration = StoreConfiguration()
        configuration.retainedUpdates = 5
        let store = TopologyStore(configuration: configuration)
        store.apply((0..<10).map { .upsertEntity(pod("p\($0)")) })
        if case .gone = store.updates(after: 4) {} else { Issue.record("revision 4 is outside the window") }
        if case .updates(let kept) = store.updates(after: 5) {
            #expect(kept.count == 5)
        } else {
            Issue.record("5 is the edge")
        }
        if case .gone = store.updates(after: 99) {} else { Issue.record("a future id is unknown") }
    }

    @Test func loggedJSONIsTheTopologyUpdate() throws {
        let store = TopologyStore()
        let updates = try store.apply(.upsertEntity(pod("a")))
        let logged = try #require(updates.first)
        #expect(logged.json == logged.update.jsonBytes())
    }
}

@Suite struct EventLogTests {
    func event(_ reason: String, severity: Severity = .info) -> InfraEvent {
        InfraEvent(
            type: "Normal", reason: reason, message: "m", entityID: "p", entityKind: .pod, entityName: "p",
            severity: severity)
    }

    @Test func seqIncreasesByOneAndIdsFollow() {
        let store = TopologyStore()
        let first = store.record(event("a"))
        let second = store.record(event("b"))
        #expect((first.seq, second.seq) == (1, 2))
        #expect(second.id == "ev-000002")
    }

    @Test func newestFirstWithFilterAndLimit() {
        let store = TopologyStore()
        for i in 0..<10 { store.record(event("r\(i)", severity: i % 2 == 0 ? .info : .error)) }
        let recent = store.events(filter: EventFilter(minimumSeverity: .warning), limit: 3)
        #expect(recent.map(\.reason) == ["r9", "r7", "r5"])
    }

    @Test func eventsAfterASeq() {
        let store = TopologyStore()
        for i in 0..<5 { store.record(event("r\(i)")) }
        #expect(store.events(after: 3)?.map(\.event.seq) == [4, 5])
        #expect(store.events(after: 5)?.isEmpty == true)
        #expect(store.events(after: 9) == nil)
    }
}

@Suite struct ChangeSignalTests {
    @Test func returnsAtOnceWhenAlreadyPast() async {
        let signal = ChangeSignal()
        signal.publish(3)
        #expect(await signal.subscribe().wait(after: 2) == .changed)
    }

    @Test func publishWakesWaiters() async throws {
        let signal = ChangeSignal()
        let subscription = signal.subscribe()
        async let woke = subscription.wait(after: 0)
        try await waitUntil("the wait is registered") { signal.waiterCount == 1 }
        signal.publish(1)
        #expect(await woke == .changed)
    }

    @Test func cancelEndsTheWaitAndLeavesNoWaiter() async throws {
        let signal = ChangeSignal()
        let subscription = signal.subscribe()
        async let woke = subscription.wait(after: 0)
        try await waitUntil("the wait is registered") { signal.waiterCount == 1 }
        subscription.cancel()
        #expect(await woke == .closed)
        #expect(signal.waiterCount == 0)
        #expect(await subscription.wait(after: 0) == .closed)
    }

    @Test func taskCancellationEndsTheWait() async throws {
        let signal = ChangeSignal()
        let task = Task { await signal.subscribe().wait(after: 0) }
        try await waitUntil("the wait is registered") { signal.waiterCount == 1 }
        task.cancel()
        #expect(await task.value == .closed)
        #expect(signal.waiterCount == 0)
    }
}
