import AsyncHTTPClient
import Foundation
import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// An alert rule firing and resolving on a live server reaches a WebSocket
/// client as `alert` messages (docs/PROTOCOL.md, "Server to client"): the
/// engine runs its own evaluation loop, and the trouble comes and goes
/// through the graph API, as any change to the map would.
@Suite struct WebSocketAlertTests {
    @Test func aRuleFiresThenResolvesForAWebSocketClient() async throws {
        let base = makeServer()
        let registry = base.registry
        let settings = AlertSettings(
            enabled: true,
            rules: [AlertRule(name: "database-failed", kinds: [.database], statuses: [.failed], severity: .critical)],
            builtin: BuiltinAlertRules(enabled: false), evaluateEvery: .milliseconds(50)
        )
        // Wired as `gestalt serve` wires it (AlertWiring): each transition is broadcast.
        let alerts = AlertService(
            settings: settings, thresholds: HealthThresholds(), store: base.store, statusBoard: base.statusBoard
        ) { transition in
            registry.broadcast(BroadcastMessage(type: "alert", payload: transition.alert.jsonBytes()))
        }
        let evaluating = Task { try await alerts.run() }
        defer { evaluating.cancel() }
        let server = base.with(alerts: alerts)
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            try await connectWS(port: port) { probe in
                try await probe.subscribe(#"{"channels":["events"]}"#)
                #expect(try await probe.nextSkippingPings().type == "subscribed")

                #expect(
                    try await send(
                        port, .POST, "/api/graph/nodes",
                        #"{"id":"api:orders","name":"orders","kind":"database","status":"failed"}"#) == .created)
                let fired = try await nextAlert(&probe)
                #expect(fired["id"] as? String == "database-failed/api:orders")
                #expect(fired["state"] as? String == "firing")
                #expect(fired["severity"] as? String == "critical")
                #expect(fired["fired_at"] is String)
                #expect(fired["resolved_at"] is NSNull)

                #expect(try await send(port, .PATCH, "/api/graph/nodes/api:orders", #"{"status":"running"}"#) == .ok)
                let resolved = try await nextAlert(&probe)
                #expect(resolved["id"] as? String == "database-failed/api:orders")
                #expect(resolved["state"] as? String == "resolved")
                #expect(resolved["resolved_at"] is String)
                #expect(alerts.firing.isEmpty && alerts.resolved.map(\.id) == ["database-failed/api:orders"])
            }
        }
    }

    /// The payload of the next `alert`, past the `event` messages the node's changes make.
    func nextAlert(_ probe: inout WSProbe) async throws -> [String: Any] {
        while true {
            let envelope = try await probe.nextSkippingPings()
            if envelope.type == "alert" { return envelope.payload }
            #expect(envelope.type == "event", "only events and alerts on this subscription")
        }
    }

    func send(_ port: Int, _ method: HTTPMethod, _ path: String, _ body: String) async throws -> HTTPResponseStatus {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status
    }
}
