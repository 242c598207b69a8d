import Hummingbird

/// `GET /api/infra/ws` (and seed 004's alias `/v1/realtime`) without upgrade
/// headers, on the HTTP router: a 426 saying how to connect. The upgrade
/// itself never reaches the router: `DirectStreams` serves it.
struct WebSocketRoutes {
    static let path = "api/infra/ws"
    /// Seed 004's client path: the same WebSocket, the same envelope.
    static let paths = [path, "v1/realtime"]

    func register(plainOn router: Router<GestaltRequestContext>) {
        for path in Self.paths {
            router.get(RouterPath(path)) { _, _ -> Response in
                throw APIError(
                    .upgradeRequired, code: "upgrade_required",
                    "this is a WebSocket endpoint; connect with a WebSocket client (Upgrade: websocket)")
            }
        }
    }
}
