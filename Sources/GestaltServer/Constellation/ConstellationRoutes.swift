import GestaltEngine
import GestaltStreaming
import Hummingbird
import HummingbirdWebSocket

/// Constellation's own endpoints (design doc 003), so its dashboard connects
/// unchanged: `GET /state`, the hierarchy, and `GET /ws`, its WebSocket.
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

    func register(upgradesOn router: Router<GestaltRequestContext>) {
        let store = store, registry = registry, configuration = configuration
        router.ws(RouterPath(Self.webSocketPath)) { request, _ in
            // `tagging` picks serde's encoding of the enum (ConstellationMessage).
            let tagging = request.uri.queryParameters.get("tagging")
            return tagging == nil || ConstellationMessage.Tagging(rawValue: tagging!) != nil
                ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            let tagging =
                context.request.uri.queryParameters.get("tagging").flatMap(ConstellationMessage.Tagging.init)
                ?? .external
            let session = ConstellationSession(
                store: store, registry: registry, stream: configuration.stream, tagging: tagging,
                network: context.requestContext.channel, maxMessageBytes: configuration.webSocket.maxMessageBytes
            )
            await session.run(inbound: inbound, outbound: outbound)
        }
    }
}
