import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationEssentialsCompat
import Testing

@testable import GestaltHistory

/// The history routes through the real router, over real history on each backend.
@Suite struct HistoryRoutesTests {
    static let start: Int64 = 1_800_000_000_000

    /// Ten minutes of one pod whose cpu climbs by one each second (a
    /// `tick` metric makes every second's update meaningful to the store).
    static func withServer(_ backend: Backend, _ body: (GestaltServer, TopologyStore) async throws -> Void) async throws
    {
        let temp = try await TempHistory.make(backend)
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        for second in 0..<600 {
            let now = Timestamp(millisecondsSince1970: start + Int64(second) * 1000)
            let pod = Entity(
                id: "test:pod/web", kind: .pod, name: "web", namespace: "shop", source: "test",
                cpuPercent: Double(second % 100), memoryBytes: 1000,
                customMetrics: ["queue_depth": 5, "tick": Double(second)], createdAt: now)
            store.apply([.upsertEntity(pod)], now: now)
            if second % 60 == 0 {
                store.record(
                    InfraEvent(
                        type: "Warning", reason: "Tick", message: "\(second)", entityID: pod.id, entityKind: .pod,
                        entityName: "web", severity: second == 0 ? .warning : .info, timestamp: now))
            }
        }
        try await Wait.recorded(history, revision: store.revision, eventSeq: store.eventSeq)
        await recorder.stop()
        let server = GestaltServer(
            store: store, statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: history)
        try await body(server, store)
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer))
    }

    @Test(arguments: Backend.allCases)
    func historicalTopologyChangesMetricsAndEvents(backend: Backend) async throws {
        try await Self.withServer(backend) { server, store in
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            try await server.makeApplication(logger: logger).test(.router) { client in
                try await client.execute(uri: "/api/infra/topology?at=1", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    #expect(body["revision"] as? Int == 1)
                    let entity = try #require((body["entities"] as? [[String: Any]])?.first)
                    #expect(entity["cpu_percent"] as? Double == 0)
                }
                let at = Timestamp(millisecondsSince1970: Self.start + 30_500)
                try await client.execute(uri: "/api/infra/topology?at=\(at)", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    #expect(((body["entities"] as? [[String: Any]])?.first?["cpu_percent"] as? Double) == 30)
                }
                // Without `at`, the live topology.
                try await client.execute(uri: "/api/infra/topology", method: .get) { response in
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    #expect(body["revision"] as? Int == Int(store.revision))
                }
                try await client.execute(uri: "/api/infra/topology/changes?from=10&to=20&limit=4", method: .get) {
                    response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    let updates = try #require(body["updates"] as? [[String: Any]])
                    #expect(updates.map { $0["revision"] as? Int } == [11, 12, 13, 14])
                    #expect(body["next"] as? Int == 14)
                }
                let since = Timestamp(millisecondsSince1970: Self.start)
                let until = Timestamp(millisecondsSince1970: Self.start + 599_000)
                try await client.execute(
                    uri:
                        "/api/infra/metrics/test:pod%2Fweb?metrics=cpu_percent,queue_depth&since=\(since)&until=\(until)&step=1m",
                    method: .get
                ) { response in
                    #expect(response.status == .ok)
                    let body = try #require(try Self.json(response.body) as? [String: Any])
                    let series = try #require(body["series"] as? [[String: Any]])
                    #expect(series.map { $0["name"] as? String } == ["cpu_percent", "queue_depth"])
                    let points = try #require(series[0]["points"] as? [[String: Any]])
                    #expect(points.count == 10)
                    // Seconds 0..59 of a 0..99 ramp: min 0, max 59, avg 29.5.
                    #expect(points[0]["min"] as? Double == 0)
                    #expect(points[0]["max"] as? Double == 59)
                    #expect(points[0]["avg"] as? Double == 29.5)
                    #expect(points[0]["count"] as? Int == 60)
                }
                try await client.execute(
                    uri: "/api/infra/events?since=\(since)&until=\(until)&severity=warning", method: .get
                ) { response in
                    #expect(response.status == .ok)
                    let events = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(events.map { $0["message"] as? String } == ["0"])
                }
                try await client.execute(uri: "/api/infra/events?since=\(since)&until=\(until)", method: .get) {
                    response in
                    let events = try #require(try Self.json(response.body) as? [[String: Any]])
                    #expect(events.count == 10)
                    #expect(events.first?["message"] as? String == "0", "oldest first")
                }
            }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var path: String
        var status: HTTPResponse.Status
        var code: String
        var mentions: String
        var description: String { path }
    }

    static let cases: [Case] = [
        Case(
            path: "/api/infra/topology?at=yesterday", status: .badRequest, code: "bad_query_parameter",
            mentions: "RFC 3339"),
        Case(
            path: "/api/infra/topology?at=99999999", status: .notFound, code: "not_found", mentions: "not recorded yet"),
        Case(
            path: "/api/infra/topology?at=2001-01-01T00:00:00Z", status: .notFound, code: "not_found",
            mentions: "no recorded history"),
        Case(
            path: "/api/infra/topology/changes?to=5", status: .badRequest, code: "bad_query_parameter",
            mentions: "'from'"),
        Case(
            path: "/api/infra/topology/changes?from=9&to=3", status: .badRequest, code: "bad_query_parameter",
            mentions: "after 'to'"),
        Case(
            path: "/api/infra/topology/changes?from=-1", status: .badRequest, code: "bad_query_parameter",
            mentions: "'from'"),
        Case(
            path: "/api/infra/topology/changes?from=1&limit=0", status: .badRequest, code: "bad_query_parameter",
            mentions: "limit"),
        Case(
            path: "/api/infra/metrics/test:pod%2Fnobody", status: .notFound, code: "not_found",
            mentions: "test:pod/nobody"),
        Case(
            path: "/api/infra/metrics/test:pod%2Fweb?since=2026-01-01T00:00:00Z&until=2025-01-01T00:00:00Z",
            status: .badRequest,
            code: "bad_query_parameter", mentions: "after 'until'"),
        Case(
            path: "/api/infra/metrics/test:pod%2Fweb?since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z&step=1s",
            status: .badRequest,
            code: "bad_query_parameter", mentions: "points"),
        Case(
            path: "/api/infra/metrics/test:pod%2Fweb?step=soon", status: .badRequest, code: "bad_query_parameter",
            mentions: "'step'"),
        Case(
            path: "/api/infra/metrics/test:pod%2Fweb?metrics=,", status: .badRequest, code: "bad_query_parameter",
            mentions: "'metrics'"),
        Case(
            path: "/api/infra/events?since=noon", status: .badRequest, code: "bad_query_parameter", mentions: "'since'"),
        Case(
            path: "/api/infra/events?since=2026-01-01T00:00:00Z&until=2025-01-01T00:00:00Z", status: .badRequest,
            code: "bad_query_parameter", mentions: "after 'until'"),
    ]

    /// Every case against one recorded history per backend (a PostgreSQL server per case would be slow for nothing).
    @Test(arguments: Backend.allCases)
    func badQuestionsGetAClearJSONError(backend: Backend) async throws {
        try await Self.withServer(backend) { server, _ in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            try await server.makeApplication(logger: logger).test(.router) { client in
                for c in Self.cases {
                    try await client.execute(uri: c.path, method: .get) { response in
                        #expect(response.status == c.status, "\(c)")
                        #expect(response.headers[.contentType] == "application/json", "\(c)")
                        let body = try #require(try Self.json(response.body) as? [String: Any])
                        let error = try #require(body["error"] as? [String: Any])
                        #expect(error["code"] as? String == c.code, "\(c)")
                        let message = try #require(error["message"] as? String)
                        #expect(message.contains(c.mentions), "\(c): message was: \(message)")
                    }
                }
            }
        }
    }
}
