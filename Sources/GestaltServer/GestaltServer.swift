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
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: EmbeddedUIMiddleware())
        InfraRoutes(store: store, stats: stats, configuration: configuration).register(on: router)
        GraphRoutes(graph: GraphAPI(store: store), maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        OpsRoutes(store: store, statusBoard: statusBoard, stats: stats, metrics: metrics).register(on: router)
        return router
    }

    /// The application with the keepalive ticker and the caller's services.
    /// Use `run(services:logger:)` to serve with graceful shutdown of streams.
    public func makeApplication(services: [any Service] = [], logger: Logger) -> some ApplicationProtocol {
        let ticker = KeepaliveTicker(store: store, keepalive: configuration.stream.keepalive)
        let housekeeping: [any Service] = [BackgroundService(name: "keepalive") { await ticker.run() }]
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gestalt"),
            services: housekeeping + services,
            logger: logger
        )
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// A service group shuts its services down in reverse order, one at a
    /// time, and the HTTP server's quiesce waits for open responses. So the
    /// stream closer comes last: it ends every open stream first, and the
    /// server's quiesce then has nothing to wait for.
    public func run(services: [any Service], logger: Logger) async throws {
        let store = store
        let streamCloser = BackgroundService(name: "stream-closer") {
            try? await gracefulShutdown()
            store.topologySignal.close()
            store.eventSignal.close()
        }
        let group = ServiceGroup(
            services: services + [makeApplication(logger: logger), streamCloser],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
    }
}
