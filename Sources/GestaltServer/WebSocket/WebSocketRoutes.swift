import GestaltEngine
import GestaltStreaming
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `GET /api/infra/ws` (and seed 004's alias `/v1/realtime`): the upgrade
/// route (on the WebSocket router) and the answer to a plain GET without
/// upgrade headers (on the HTTP router).
struct WebSocketRoutes {
    static let path = "api/infra/ws"
    /// Seed 004's client path: the same WebSocket, the same envelope.
    static let paths = [path, "v1/realtime"]

    let store: TopologyStore
    let history: (any HistoryQueries)?
    let registry: StreamRegistry
    let heartbeat: WebSocketHeartbeat
    let configuration: ServerConfiguration

    func register(upgradesOn router: Router<GestaltRequestContext>) {
        let store = store, history = history, registry = registry, heartbeat = heartbeat, configuration = configuration
        for path in Self.paths {
            router.ws(RouterPath(path)) { _, _ in
                .upgrade([:])
            } onUpgrade: { inbound, outbound, context in
                var session = WebSocketSession(
                    store: store, history: history, registry: registry, configuration: configuration,
                    network: context.requestContext.channel, heartbeat: heartbeat,
                    sessionID: context.request.uri.queryParameters.get("session_id"),
                    logger: context.logger
                )
                session.restriction = context.requestContext.identity?.restriction ?? .none
                await session.run(inbound: inbound, outbound: outbound)
            }
        }
    }

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
