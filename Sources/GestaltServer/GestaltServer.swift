import GestaltEngine
import GestaltStreaming
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import GestaltEngine
public import GestaltStreaming

/// The HTTP face of Gestalt: the routes of PROTOCOL.md over one store.
public struct GestaltServer: Sendable {
    public let store: TopologyStore
    public let statusBoard: SourceStatusBoard
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    public let stats = StreamStats()

    public init(store: TopologyStore, statusBoard: SourceStatusBoard, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics()) {
        self.store = store
        self.statusBoard = statusBoard
        self.configuration = configuration
        self.metrics = metrics
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: EmbeddedUIMiddleware())
        InfraRoutes(store: store, stats: stats, configuration: configuration).register(on: router)
        GraphRoutes(graph: GraphAPI(store: store), maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        OpsRoutes(store: store, statusBoard: statusBoard, stats: stats, metrics: metrics).register(on: router)
        return router
    }

    /// The application with the streaming housekeeping services and the
    /// caller's own (sources, layout). On graceful shutdown every open stream
    /// is ended, so the server's quiesce does not wait on them.
    public func makeApplication(services: [any Service] = [], logger: Logger) -> some ApplicationProtocol {
        let store = store
        let ticker = KeepaliveTicker(store: store, keepalive: configuration.stream.keepalive)
        let housekeeping: [any Service] = [
            BackgroundService(name: "keepalive") { await ticker.run() },
            BackgroundService(name: "stream-closer") {
                try? await gracefulShutdown()
                store.topologySignal.close()
                store.eventSignal.close()
            },
        ]
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gestalt"),
            services: housekeeping + services,
            logger: logger
        )
    }
}
