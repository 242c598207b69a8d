import GestaltEngine
import GestaltStreaming
import Hummingbird
import NIOCore

/// `GET /api/infra/alerts` and its SSE stream. Without an alert engine
/// (`alerts.enabled: false`) the list answers empty with `enabled: false`.
struct AlertRoutes {
    let alerts: (any AlertsView)?
    let registry: StreamRegistry?

    static let disabled = Array(#"{"enabled":false,"active":[],"pending":[],"resolved":[]}"#.utf8)

    func register(on router: Router<GestaltRequestContext>) {
        let alerts = alerts, registry = registry
        let api = router.group("api/infra")
        api.get("alerts") { _, _ -> Response in .json(alerts?.alertsJSON() ?? Self.disabled) }
        guard let registry else { return }
        api.get("alerts/stream") { request, _ -> Response in
            Self.stream(request: request, registry: registry, current: alerts?.alertsJSON() ?? Self.disabled)
        }
    }

    /// `event: connected` with the current list, then `event: alert` per
    /// transition, as the registry broadcasts them. Counted with the events
    /// channel in `/api/infra/subscriptions`: alerts are events about the map.
    static func stream(request: Request, registry: StreamRegistry, current: [UInt8]) -> Response {
        Response(status: .ok, headers: SSEResponse.headers, body: ResponseBody { writer in
            // A reader that falls 256 transitions behind misses the oldest; the list route has them.
            let (messages, continuation) = AsyncStream.makeStream(of: BroadcastMessage.self, bufferingPolicy: .bufferingNewest(256))
            let connection = registry.register(
                transport: .sse, channels: [.events], sessionID: request.uri.queryParameters.get("session_id"),
                closer: { _ in continuation.finish() },
                deliver: { message in if message.type == "alert" { continuation.yield(message) } }
            )
            // Graceful shutdown closes the store's signals: the stream ends with them.
            let shutdown = registry.store.eventSignal.observe { wake in if case .closed = wake { continuation.finish() } }
            defer { shutdown.cancel() }
            do {
                try await writer.write(ByteBuffer(bytes: Array("retry: 2000\n\nevent: connected\ndata: ".utf8) + current + Array("\n\n".utf8)))
                try await request.body.consumeWithInboundCloseHandler { _ in
                    for await message in messages {
                        try await writer.write(ByteBuffer(bytes: Array("event: alert\ndata: ".utf8) + message.payload + Array("\n\n".utf8)))
                    }
                } onInboundClosed: {
                    connection.disconnect(.clientClosed)
                }
                try await writer.finish(nil)
            } catch {
                connection.deregister(.transportError)
                throw error
            }
            connection.deregister(.serverShutdown)
        })
    }
}
