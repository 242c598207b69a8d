import Foundation
import GestaltEngine
@testable import GestaltHistory
import GestaltModel

/// A history file in a fresh temporary directory, removed by `remove()`.
struct TempHistory {
    let directory: String
    var configuration: HistoryConfiguration

    init(configure: (inout HistoryConfiguration) -> Void = { _ in }) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gestalt-history-\(UUID().uuidString)").path
        configuration = HistoryConfiguration(directory: directory)
        configuration.retention = nil
        configure(&configuration)
    }

    func open() throws -> HistoryStore { try HistoryStore.open(configuration) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A recorder running in its own task until `stop()`.
final class RunningRecorder: Sendable {
    let task: Task<Void, any Error>

    private init(history: HistoryStore, store: TopologyStore) {
        task = Task { try await HistoryRecorder(history: history, store: store).run() }
    }

    /// Starts a recorder and waits for its first checkpoint, so every
    /// change applied after this returns is recorded one by one.
    static func start(history: HistoryStore, store: TopologyStore) async throws -> RunningRecorder {
        let recorder = RunningRecorder(history: history, store: store)
        let revision = store.revision
        try await Wait.until("the recorder's first checkpoint") {
            let counters = try await history.recordedCounters()
            return counters.hasCheckpoint && counters.revision >= revision
        }
        return recorder
    }

    /// Cancels the recorder; what it had not written is lost, like a crash.
    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

enum Wait {
    /// Polls `condition` until it holds, failing after `seconds`.
    static func until(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Until history holds `revision` and the event `eventSeq`.
    static func recorded(_ history: HistoryStore, revision: UInt64, eventSeq: UInt64 = 0) async throws {
        try await until("history to record revision \(revision), event \(eventSeq)") {
            let counters = try await history.recordedCounters()
            return counters.revision >= revision && counters.eventSeq >= eventSeq
        }
    }

    struct WaitTimeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }
}

/// A deterministic generator (SplitMix64), so a failing seed replays.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random changes over a small pool of ids, so adds, updates, moves and
/// removes of entities and connections all happen often.
struct ChangeGenerator {
    var random: SeededRandom
    let pool: Int

    init(seed: UInt64, pool: Int = 40) {
        random = SeededRandom(state: seed)
        self.pool = pool
    }

    mutating func entity(_ index: Int, at time: Timestamp) -> Entity {
        let namespaces = ["default", "shop", "ops"]
        var metrics: [String: Double] = [:]
        if Bool.random(using: &random) { metrics["queue_depth"] = Double(Int.random(in: 0...500, using: &random)) }
        return Entity(
            id: "test:pod/e\(index)", kind: .pod, name: "e\(index)",
            namespace: namespaces[index % namespaces.count], source: "test",
            status: [.running, .pending, .failed].randomElement(using: &random)!,
            labels: ["app": "a\(Int.random(in: 0..<3, using: &random))"],
            cpuPercent: Double(Int.random(in: 0...1000, using: &random)) / 10,
            memoryBytes: Int64.random(in: 0...(1 << 30), using: &random),
            customMetrics: metrics, createdAt: time
        )
    }

    mutating func change(at time: Timestamp) -> TopologyChange {
        let a = Int.random(in: 0..<pool, using: &random)
        let b = Int.random(in: 0..<pool, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4: return .upsertEntity(entity(a, at: time))
        case 4: return .moveEntity(id: "test:pod/e\(a)", x: Double(b), y: Double(a), z: 1.5)
        case 5: return .removeEntity(id: "test:pod/e\(a)")
        case 6..<9:
            return .upsertConnection(Connection(
                sourceID: "test:pod/e\(a)", targetID: "test:pod/e\(b)", kind: .http,
                requestsPerSec: Double(Int.random(in: 0...100, using: &random))
            ))
        default:
            return .removeConnection(id: Connection.id(source: "test:pod/e\(a)", target: "test:pod/e\(b)", kind: .http))
        }
    }
}

/// A topology as comparable sets (order does not matter in a topology).
struct TopologyContent: Equatable, CustomStringConvertible {
    let entities: Set<Entity>
    let connections: Set<Connection>

    init(_ topology: Topology) {
        entities = Set(topology.entities)
        connections = Set(topology.connections)
    }

    var description: String { "\(entities.count) entities, \(connections.count) connections" }
}
