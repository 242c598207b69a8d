import GestaltEngine
import GestaltModel
import Synchronization
import TestPeers
import Testing

/// A source whose peer the test switches off and on: while off, each run
/// reports the outage and throws, as Docker, NATS and PostgreSQL do.
final class SwitchableSource: TopologySource {
    let instance = SourceInstance(kind: "docker", name: "lab")
    private let state = Mutex((up: true, runs: 0))

    var runs: Int { state.withLock { $0.runs } }
    func set(up: Bool) { state.withLock { $0.up = up } }

    func run(in context: SourceContext) async throws {
        state.withLock { $0.runs += 1 }
        guard state.withLock({ $0.up }) else {
            context.setStatus(.error, message: "peer unreachable")
            throw PeerDown()
        }
        let prefix = instance.idPrefix("docker")
        let picture = SourceSnapshot(
            entities: (0..<3).map {
                Entity(id: "\(prefix):container/c\($0)", kind: .container, name: "c\($0)", source: instance.description)
            })
        // A rerun diffs against what the store still holds: nothing is added twice.
        context.sink.apply(SnapshotDiff.changes(from: context.ownedSnapshot(), to: picture), now: .now())
        context.setStatus(.ready, message: "3 containers")
        // Serves until the test switches the peer off (or the supervisor is cancelled).
        try await waitUntil("the test switches the peer off", timeout: .seconds(3600)) { !state.withLock { $0.up } }
        context.setStatus(.error, message: "peer went away")
        throw PeerDown()
    }

    struct PeerDown: Error {}
}

@Suite struct SourceSupervisorTests {
    @Test func aFailingSourceIsRestartedItsEntitiesStayStaleThenComeBack() async throws {
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let source = SwitchableSource()
        let supervisor = SourceSupervisor(
            source: source, sink: store, store: store, statusBoard: board,
            backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(40), resetAfter: .seconds(60))
        )
        let task = Task { await supervisor.run() }
        defer { task.cancel() }
        func entities() -> [Entity] { store.snapshot().entities }
        try await waitUntil("listed") { entities().count == 3 && board.status(of: "docker@lab")?.state == .ready }
        #expect(entities().allSatisfy { !$0.stale && $0.source == "docker@lab" && $0.id.hasPrefix("docker@lab:") })

        source.set(up: false)
        try await waitUntil("stale") { entities().allSatisfy(\.stale) && source.runs >= 3 }
        #expect(entities().count == 3, "an outage deletes nothing")
        #expect(board.status(of: "docker@lab")?.lastError == "peer unreachable")

        source.set(up: true)
        try await waitUntil("current again") {
            board.status(of: "docker@lab")?.state == .ready && !entities().contains(where: \.stale)
        }
        #expect(entities().count == 3)
        #expect(board.status(of: "docker@lab")?.lastGoodAt != nil)
        task.cancel()
        await task.value
        #expect(board.status(of: "docker@lab")?.state == .stopped)
    }

    @Test func aSourceBackFromAnOutageReportsOneResync() async throws {
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let source = SwitchableSource()
        let resyncs = Mutex(0)
        let supervisor = SourceSupervisor(
            source: source, sink: store, store: store, statusBoard: board,
            backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(40), resetAfter: .seconds(60)),
            onResync: { resyncs.withLock { $0 += 1 } }
        )
        let task = Task { await supervisor.run() }
        defer { task.cancel() }
        try await waitUntil("listed") { board.status(of: "docker@lab")?.state == .ready }
        #expect(resyncs.withLock { $0 } == 0, "the first sync is not a resync")

        source.set(up: false)
        // Several failed runs (each reporting error) are one outage.
        try await waitUntil("down") { store.snapshot().entities.allSatisfy(\.stale) && source.runs >= 3 }
        source.set(up: true)
        try await waitUntil("back") {
            resyncs.withLock { $0 } >= 1 && !store.snapshot().entities.contains(where: \.stale)
        }

        source.set(up: false)
        try await waitUntil("down again") { store.snapshot().entities.allSatisfy(\.stale) }
        #expect(resyncs.withLock { $0 } == 1, "one outage, one resync")
        source.set(up: true)
        try await waitUntil("back again") {
            resyncs.withLock { $0 } >= 2 && !store.snapshot().entities.contains(where: \.stale)
        }
        #expect(resyncs.withLock { $0 } == 2)
    }
}
