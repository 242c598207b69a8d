import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import NIOCore
import Synchronization
import TestPeers
import Testing

@testable import GestaltStreaming

/// Collects what the registry hands to a fake transport.
final class FakeTransport: Sendable {
    let closes = Mutex<[DisconnectReason]>([])
    let received = Mutex<[String]>([])

    func closer(_ reason: DisconnectReason) { closes.withLock { $0.append(reason) } }
    func deliver(_ message: BroadcastMessage) { received.withLock { $0.append(message.type) } }
}

@Suite struct StreamRegistryTests {
    let store = TopologyStore()
    var registry: StreamRegistry { StreamRegistry(store: store, stats: StreamStats(), stuckTimeout: .seconds(30)) }

    @Test func registerCountAndDeregisterByReason() {
        let registry = registry
        let transport = FakeTransport()
        let ws = registry.register(
            transport: .websocket, channels: [], sessionID: "tab", closer: transport.closer, deliver: transport.deliver)
        let sse = registry.register(transport: .sse, channels: [.topology], closer: transport.closer)
        ws.update(channels: [.topology, .events])
        #expect(registry.isConnected(sessionID: "tab"))
        let snapshot = registry.snapshot()
        #expect(snapshot.active(.websocket, .topology) == 1)
        #expect(snapshot.active(.websocket, .events) == 1)
        #expect(snapshot.active(.sse, .topology) == 1)
        #expect(snapshot.connections[.sse] == 1)

        ws.deregister(.clientClosed)
        ws.deregister(.transportError)  // idempotent: counted once
        sse.deregister(.serverShutdown)
        #expect(!registry.isConnected(sessionID: "tab"))
        #expect(registry.count == 0)
        #expect(registry.stats.snapshot.disconnectsByReason == [.clientClosed: 1, .serverShutdown: 1])
    }

    @Test func broadcastGoesToTransportsThatCarryIt() {
        let registry = registry
        let transport = FakeTransport()
        _ = registry.register(transport: .websocket, channels: [], closer: transport.closer, deliver: transport.deliver)
        _ = registry.register(transport: .websocket, channels: [], closer: transport.closer, deliver: transport.deliver)
        _ = registry.register(transport: .sse, channels: [.topology], closer: transport.closer)
        #expect(registry.broadcast(BroadcastMessage(type: "namespace_summary", payload: Array("{}".utf8))) == 2)
        #expect(transport.received.withLock { $0 } == ["namespace_summary", "namespace_summary"])
    }

    @Test func lagIsStoreRevisionMinusCursor() {
        let registry = registry
        store.apply((0..<10).map { .upsertEntity(entity("p\($0)")) })
        let connection = registry.register(transport: .sse, channels: [.topology], closer: { _ in })
        connection.progressed(revision: store.revision - 4)
        #expect(registry.snapshot().clients.first?.lag == 4)
        #expect(registry.snapshot().maxLag == 4)
    }

    @Test func stuckWriteIsDisconnectedOnceAndTheServersReasonWins() {
        let registry = registry
        let transport = FakeTransport()
        let busy = registry.register(transport: .websocket, channels: [.topology], closer: transport.closer)
        let idle = registry.register(transport: .websocket, channels: [.topology], closer: transport.closer)
        busy.writeStarted(bytes: 1000)
        #expect(registry.sweepStuck().isEmpty)
        // Judge as if 31 s had passed, without sleeping.
        let later = ContinuousClock.now + .seconds(31)
        #expect(registry.sweepStuck(now: later).map(\.id) == [busy.id])
        #expect(registry.sweepStuck(now: later).map(\.id) == [busy.id])
        #expect(transport.closes.withLock { $0 } == [.stuck])
        // The transport then sees its socket close; the registry keeps "stuck".
        busy.deregister(.clientClosed)
        idle.writeStarted(bytes: 10)
        idle.writeFinished(messages: 1, bytes: 10)
        #expect(registry.sweepStuck(now: later).isEmpty)
        #expect(registry.stats.snapshot.disconnectsByReason[.stuck] == 1)
    }

    @Test func sseStreamsAreRegisteredAndShownInSubscriptions() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream?session_id=browser-1")
            _ = try await sse.dataMessages(1)
            try await waitUntil("the SSE stream is registered") { server.registry.isConnected(sessionID: "browser-1") }
            try await connectWS(port: port) { ws in
                try await ws.subscribe()
                _ = try await ws.nextSkippingPings()
                _ = try await ws.nextSkippingPings()
                let request = HTTPClientRequestForTests.get(port: port, path: "/api/infra/subscriptions")
                let json = try await request()
                let active = try #require(json["active"] as? [String: Any])
                #expect((active["sse"] as? [String: Any])?["topology"] as? Int == 1)
                #expect((active["ws"] as? [String: Any])?["topology"] as? Int == 1)
                #expect(active["sse_topology"] as? Int == 1)
                let clients = try #require(json["clients"] as? [[String: Any]])
                #expect(clients.count == 2)
                #expect(clients.allSatisfy { $0["lag"] as? Int == 0 })
                #expect(json["disconnects_by_reason"] is [String: Any])
            }
        }
    }

    @Test func fanoutDelayIsCountedPerDeliveredUpdate() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream")
            _ = try await sse.dataMessages(1)
            try await connectWS(port: port) { ws in
                try await ws.subscribe()
                _ = try await ws.nextSkippingPings()
                _ = try await ws.nextSkippingPings()
                // The opening `full`s carry no delay; these two updates reach both clients.
                server.store.apply([.upsertEntity(entity("b"))])
                server.store.apply([.upsertEntity(entity("c"))])
                _ = try await ws.nextSkippingPings()
                _ = try await ws.nextSkippingPings()
            }
            _ = try await sse.dataMessages(2)
            let json = try await HTTPClientRequestForTests.get(port: port, path: "/api/infra/subscriptions")()
            let delay = try #require(json["fanout_delay_ms"] as? [String: Any])
            #expect(delay["count"] as? Int == 4)
            let buckets = try #require(delay["buckets"] as? [[String: Any]])
            #expect(buckets.count == DelayHistogram.bounds.count + 1)
            #expect(buckets.last?["le"] is NSNull)
            #expect(delay["p99"] is Int)
            let text = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
            #expect(text.contains("# TYPE gestalt_stream_fanout_delay_seconds histogram"))
            #expect(text.contains(#"gestalt_stream_fanout_delay_seconds_bucket{le="+Inf"} 4"#))
            #expect(text.contains("gestalt_stream_fanout_delay_seconds_count 4"))
        }
    }

    @Test func delayHistogramQuantilesAreBucketBounds() {
        var histogram = DelayHistogram()
        #expect(histogram.quantile(0.5) == nil)
        let before = histogram
        for ms in [0, 1, 1, 3, 7, 15, 40, 90] as [Int64] { histogram.record(milliseconds: ms) }
        histogram.record(milliseconds: 9_000, times: 2)
        #expect(histogram.count == 10)
        #expect(histogram.quantile(0.3) == 1)
        #expect(histogram.quantile(0.5) == 10)
        #expect(histogram.quantile(0.8) == 100)
        // Past the last bound: no upper bound to give.
        #expect(histogram.quantile(0.99) == nil)
        let later = histogram.subtracting(before)
        #expect(later == histogram)
        histogram.record(milliseconds: -5)
        #expect(histogram.subtracting(later).counts.first == 1)
    }

    @Test func metricsPageCarriesSubscriptionFigures() async throws {
        try await withLiveServer { server, port in
            try await connectWS(port: port) { ws in
                try await ws.subscribe()
                _ = try await ws.nextSkippingPings()
                _ = try await ws.nextSkippingPings()
                let text = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
                #expect(text.contains(#"gestalt_stream_active_clients{transport="ws",channel="topology"} 1"#))
                #expect(text.contains(#"gestalt_stream_disconnects_total{reason="stuck"} 0"#))
                #expect(text.contains("gestalt_stream_client_lag_max"))
            }
        }
    }
}

/// Plain GETs for the registry tests.
enum HTTPClientRequestForTests {
    static func text(port: Int, path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    static func get(port: Int, path: String) -> @Sendable () async throws -> [String: Any] {
        {
            let text = try await text(port: port, path: path)
            return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        }
    }
}
