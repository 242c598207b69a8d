import Foundation
import GRDB
import GestaltEngine
import GestaltModel
import Synchronization
import TestPeers

@testable import GestaltHistory

/// The two places history is kept; the behaviour suites run on each.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }
}

/// A fresh, empty history: a SQLite file in a temporary directory, or a
/// database on a real PostgreSQL server of its own (initdb in a temp dir).
/// `remove()` closes every store opened on it and deletes it all.
final class TempHistory: Sendable {
    let backend: Backend
    let directory: String
    let configuration: HistoryConfiguration
    let server: PostgresServer?
    private let opened = Mutex<[HistoryStore]>([])

    private init(backend: Backend, directory: String, configuration: HistoryConfiguration, server: PostgresServer?) {
        self.backend = backend
        self.directory = directory
        self.configuration = configuration
        self.server = server
    }

    static func make(
        _ backend: Backend = .sqlite, configure: (inout HistoryConfiguration) -> Void = { _ in }
    ) async throws -> TempHistory {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gestalt-history-\(UUID().uuidString)"
        ).path
        var configuration = HistoryConfiguration(directory: directory)
        configuration.retention = nil
        configure(&configuration)
        var server: PostgresServer?
        if backend == .postgres {
            let started = try await PostgresServer.start(name: "history-pg")
            server = started
            try started.psql("CREATE DATABASE history")
            configuration.url = started.url(database: "history")
        }
        return TempHistory(backend: backend, directory: directory, configuration: configuration, server: server)
    }

    /// Opens the store as `gestalt serve` does (a restart opens it again).
    func open() async throws -> HistoryStore {
        let store = try await HistoryStore.connect(configuration)
        opened.withLock { $0.append(store) }
        return store
    }

    /// Integers from SQL run straight on the backend's tables (NULLs left out).
    func integers(_ sql: String) async throws -> [Int64] {
        if let server {
            return try server.psql(sql, database: "history").split(separator: "\n").compactMap { Int64($0) }
        }
        return try await DatabaseQueue(path: configuration.path).read { db in
            try Int64?.fetchAll(db, sql: sql).compactMap { $0 }
        }
    }

    func remove() {
        for store in opened.withLock({ $0 }) {
            // Synchronous, for `defer`: stopping the pool's task closes its connections.
            (store.backend as? PostgresHistoryBackend)?.runner.cancel()
        }
        server?.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
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
        try await waitUntil("the recorder's first checkpoint") {
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
    /// Kept only so branches written before the shared helper still build; new tests call `waitUntil`.
    /// Until history holds `revision` and the event `eventSeq`.
    static func recorded(_ history: HistoryStore, revision: UInt64, eventSeq: UInt64 = 0) async throws {
        try await waitUntil("history records revision \(revision), event \(eventSeq)") {
            let counters = try await history.recordedCounters()
            return counters.revision >= revision && counters.eventSeq >= eventSeq
        }
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
            return .upsertConnection(
                Connection(
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
