import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real server on a loopback port with a synthetic topology, plus SSE
/// clients that note when each revision reaches them.
final class LoopbackHarness: Sendable {
    let server: GestaltServer
    let port: Int
    let entities: [Entity]
    /// When each revision was applied, for change → client latency.
    let appliedAt = Mutex<[UInt64: ContinuousClock.Instant]>([:])
    let latencies = Mutex<[Double]>([])
    let receivedBytes = Atomic<Int>(0)
    let httpClient: HTTPClient

    init(entities count: Int, port: Int) {
        self.port = port
        server = GestaltServer(
            store: TopologyStore(), statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: port))
        entities = FlatTopology.entities(count)
        server.store.apply(entities.map { .upsertEntity($0) })
        server.store.apply(FlatTopology.connections(for: entities).map { .upsertConnection($0) })
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 20_000
        configuration.timeout.read = nil
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs the server until `body` returns.
    func run(_ body: @Sendable @escaping () async throws -> Void) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let app = server.makeApplication(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            try await waitForServer("http://127.0.0.1:\(port)/healthz", client: httpClient)
            try await body()
            group.cancelAll()
        }
        try await httpClient.shutdown()
    }

    /// Opens an SSE stream and counts messages until cancelled; `measure`
    /// records change → client latency for each revision it sees.
    func client(measure: Bool) async throws {
        let response = try await httpClient.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/infra/topology/stream"), timeout: .seconds(30))
        var scanner = SSEScanner()
        var local: [Double] = []
        defer { if measure { latencies.withLock { $0.append(contentsOf: local) } } }
        for try await chunk in response.body {
            // Clients that do not measure only drain: the bench is about the server.
            guard measure else { receivedBytes.add(chunk.readableBytes, ordering: .relaxed); continue }
            let now = ContinuousClock.now
            scanner.feed(chunk) { id, _ in
                if let id, let applied = appliedAt.withLock({ $0[id] }) { local.append(milliseconds(now - applied)) }
            }
        }
    }

    /// A meaningful change to entity `i`: its CPU jumps past the threshold.
    /// Inside `run`: connects `clients` SSE clients (those `measure` picks
    /// record latencies), calls `connected`, then applies `rate` changes a
    /// second for `seconds` on absolute deadlines, stamping when each
    /// revision was applied, and lets the last ones arrive.
    func drive(
        clients: Int, rate: Int, seconds: Int, measure: @escaping @Sendable (Int) -> Bool,
        connected: () -> Void = {}
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<clients { group.addTask { try await self.client(measure: measure(index)) } }
            while server.stats.snapshot.activeTopologyStreams < clients {
                try await Task.sleep(for: .milliseconds(50))
            }
            connected()
            let interval = Duration.seconds(1) / rate
            var next = ContinuousClock.now
            for round in 0..<(rate * seconds) {
                next += interval
                try await Task.sleep(until: next)
                let now = ContinuousClock.now
                let updates = server.store.apply([change(round, round: round / entities.count)])
                if let revision = updates.updates.last?.revision { appliedAt.withLock { $0[revision] = now } }
            }
            try await Task.sleep(for: .seconds(1))
            group.cancelAll()
        }
    }

    func change(_ i: Int, round: Int) -> TopologyChange {
        var entity = entities[i % entities.count]
        entity.cpuPercent = round % 2 == 0 ? 80 : 10
        return .upsertEntity(entity)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
