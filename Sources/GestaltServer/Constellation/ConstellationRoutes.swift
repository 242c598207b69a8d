import GestaltEngine
import GestaltStreaming
import Hummingbird

/// Constellation's own endpoints (design doc 003), so its dashboard connects
/// unchanged: `GET /state`, the hierarchy, and `GET /ws`, its WebSocket
/// (the upgrade is served by `DirectStreams`; a plain GET gets 426 here).
struct ConstellationRoutes {
    static let webSocketPath = "ws"

    let store: TopologyStore
    let registry: StreamRegistry
    let configuration: ServerConfiguration

    func register(plainOn router: Router<GestaltRequestContext>) {
        let store = store
        router.get("state") { _, _ -> Response in
            .json(ConstellationHierarchy(store.snapshot()))
        }
        router.get(RouterPath(Self.webSocketPath)) { _, _ -> Response in
            throw APIError(
                .upgradeRequired, code: "upgrade_required",
                "this is Constellation's WebSocket endpoint; connect with a WebSocket client (Upgrade: websocket)")
        }
    }
}
