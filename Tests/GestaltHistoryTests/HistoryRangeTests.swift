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

/// `GET /api/infra/history` and a connection's metric history, through the
/// real router over real history on each backend.
@Suite struct HistoryRangeTests {
    static let start: Int64 = 1_800_000_000_000

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    static func application(_ history: any HistoryQueries, store: TopologyStore) -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = GestaltServer(
            store: store, statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: history
        )
        return server.makeApplication(logger: logger)
    }

    @Test(arguments: Backend.allCases)
    func rangeSaysWhatHistoryHoldsAndConnectionsHaveMetrics(_ backend: Backend) async throws {
        let temp = try await TempHistory.make(backend)
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        // Empty history: the ends are null, not an error.
        try await Self.application(history, store: store).test(.router) { client in
            try await client.execute(uri: "/api/infra/history", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["oldest_revision"] is NSNull)
                #expect(body["newest_time"] is NSNull)
                #expect(body["checkpoints"] as? Int == 0)
            }
        }
        let first = Timestamp(millisecondsSince1970: Self.start)
        let pods = ["web", "db"].map {
            Entity(id: "test:pod/\($0)", kind: .pod, name: $0, namespace: "shop", source: "test", createdAt: first)
        }
        store.apply(pods.map { .upsertEntity($0) }, now: first)
        let recorder = try await RunningRecorder.start(history: history, store: store)
        for second in 1...120 {
            let now = Timestamp(millisecondsSince1970: Self.start + Int64(second) * 1000)
            let edge = Connection(
                sourceID: "test:pod/web", targetID: "test:pod/db", kind: .http,
                requestsPerSec: Double(second), latencyMs: Double(second % 10)
            )
            store.apply([.upsertConnection(edge)], now: now)
        }
        try await Wait.recorded(history, revision: store.revision)
        await recorder.stop()
        let edgeID = Connection.id(source: "test:pod/web", target: "test:pod/db", kind: .http)

        try await Self.application(history, store: store).test(.router) { client in
            try await client.execute(uri: "/api/infra/history", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                // History began with the recorder's checkpoint of the two pods.
                #expect(body["oldest_revision"] as? Int == 2)
                // (Stamped when the recorder took it, not with the pods' apply time.)
                #expect((body["oldest_time"] as? String).flatMap(Timestamp.init(rfc3339:)) != nil)
                #expect(body["newest_revision"] as? Int == Int(store.revision))
                #expect(
                    body["newest_time"] as? String == Timestamp(millisecondsSince1970: Self.start + 120_000).description
                )
                #expect((body["checkpoints"] as? Int ?? 0) >= 1)
                #expect((body["bytes"] as? Int ?? 0) > 0)
            }
            let since = Timestamp(millisecondsSince1970: Self.start)
            let until = Timestamp(millisecondsSince1970: Self.start + 120_000)
            let encoded = edgeID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? edgeID
            try await client.execute(
                uri:
                    "/api/infra/metrics/\(encoded)?metrics=requests_per_sec,latency_ms&since=\(since)&until=\(until)&step=1m",
                method: .get
            ) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["id"] as? String == edgeID)
                let series = try #require(body["series"] as? [[String: Any]])
                #expect(series.map { $0["name"] as? String } == ["requests_per_sec", "latency_ms"])
                let rps = try #require(series[0]["points"] as? [[String: Any]])
                // Seconds 1..59 in the first minute: one sample a second.
                #expect(rps.first?["min"] as? Double == 1)
                #expect(rps.first?["max"] as? Double == 59)
                #expect(rps.first?["count"] as? Int == 59)
            }
        }
    }

    @Test func rangeWithoutHistoryIs503() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = GestaltServer(
            store: TopologyStore(), statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
        try await server.makeApplication(logger: logger).test(.router) { client in
            try await client.execute(uri: "/api/infra/history", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try Self.json(response.body)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "history_unavailable")
            }
        }
    }
}
