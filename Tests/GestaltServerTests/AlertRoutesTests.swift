import GestaltEngine
import GestaltServer
import GestaltStreaming
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/infra/alerts` answers the engine's list (or says alerts are off),
/// and its SSE stream forwards `alert` broadcasts only.
struct AlertRoutesTests {
    struct FixedAlerts: AlertsView {
        func alertsJSON() -> [UInt8] {
            Array(#"{"enabled":true,"active":[{"id":"source-down/k8s"}],"pending":[],"resolved":[]}"#.utf8)
        }
    }

    @Test func listIsTheEnginesOrDisabled() async throws {
        try await makeServer().application().test(.router) { client in
            try await client.execute(uri: "/api/infra/alerts", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"enabled":false,"active":[],"pending":[],"resolved":[]}"#)
            }
        }
        try await makeServer().with(alerts: FixedAlerts()).application().test(.router) { client in
            try await client.execute(uri: "/api/paths/world.infra.health.alerts", method: .get) { response in
                #expect(String(buffer: response.body) == String(decoding: FixedAlerts().alertsJSON(), as: UTF8.self))
            }
        }
    }

    @Test func streamSendsTheListThenEachAlert() async throws {
        let server = makeServer().with(alerts: FixedAlerts())
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let sse = try await SSEClient(port: port, path: "/api/infra/alerts/stream")
            #expect(try await sse.next().retry == "2000")
            let connected = try await sse.next()
            #expect(connected.event == "connected")
            #expect(connected.data == String(decoding: FixedAlerts().alertsJSON(), as: UTF8.self))
            server.registry.broadcast(
                BroadcastMessage(type: "namespace_summary", payload: Array(#"{"namespace":"x"}"#.utf8)))
            server.registry.broadcast(
                BroadcastMessage(type: "alert", payload: Array(#"{"id":"a/b","state":"firing"}"#.utf8)))
            let alert = try await sse.next()
            #expect(alert.event == "alert")
            #expect(alert.data == #"{"id":"a/b","state":"firing"}"#)
        }
    }

    @Test func idleStreamSendsKeepalive() async throws {
        let server = makeServer { configuration, _ in configuration.stream.keepalive = .milliseconds(150) }.with(
            alerts: FixedAlerts())
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/alerts/stream")
            _ = try await sse.next()
            _ = try await sse.next()
            #expect(try await sse.next().comment == "keepalive")
            // An alert after the keepalive still arrives.
            server.registry.broadcast(
                BroadcastMessage(type: "alert", payload: Array(#"{"id":"a/b","state":"resolved"}"#.utf8)))
            var next = try await sse.next()
            while next.comment == "keepalive" { next = try await sse.next() }
            #expect(next.event == "alert")
            #expect(next.data == #"{"id":"a/b","state":"resolved"}"#)
        }
    }
}
