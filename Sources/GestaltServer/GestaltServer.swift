package import GestaltEngine
package import GestaltStreaming
package import Hummingbird
import HummingbirdCore
package import Logging
package import ServiceLifecycle
import UnixSignals

/// The HTTP face of Gestalt: the routes of PROTOCOL.md over one store.
package struct GestaltServer: Sendable {
    package let store: TopologyStore
    package let statusBoard: SourceStatusBoard
    package let configuration: ServerConfiguration
    package let metrics: ServerMetrics
    package let stats: StreamStats
    /// Every open SSE and WebSocket stream.
    package let registry: StreamRegistry
    /// Writes the topology streams from the event loops.
    package let fanout: TopologyFanout
    /// The recorded past, when history is on (`?at=`, changes, metrics).
    package let history: (any HistoryQueries)?
    /// On-demand rescans and exports (`/api/jobs`); `serve` attaches the sources.
    package let jobs: JobRunner
    /// The alert engine, when alerts are on (`/api/infra/alerts`).
    package private(set) var alerts: (any AlertsView)?
    /// The graph API's events and the log the SSE bridge reads.
    package let graphEvents: GraphEventRouting
    let heartbeat: WebSocketHeartbeat

    package init(
        store: TopologyStore, statusBoard: SourceStatusBoard, configuration: ServerConfiguration,
        metrics: ServerMetrics = ServerMetrics(), history: (any HistoryQueries)? = nil, alerts: (any AlertsView)? = nil,
        graphEvents: GraphEventRouting = GraphEventRouting()
    ) {
        self.store = store
        self.alerts = alerts
        self.graphEvents = graphEvents
        self.history = history
        self.statusBoard = statusBoard
        self.configuration = configuration
        self.metrics = metrics
        let stats = StreamStats()
        self.stats = stats
        self.fanout = TopologyFanout(
            store: store, stats: stats, history: history, window: configuration.stream.passWindow)
        self.heartbeat = WebSocketHeartbeat(interval: configuration.webSocket.pingInterval)
        self.registry = StreamRegistry(
            store: store, stats: stats, stuckTimeout: configuration.stuckTimeout,
            observer: StreamLifecycleLog(logger: Logger(label: "gestalt.streams")).callAsFunction
        )
        self.jobs = JobRunner(store: store, history: history, limits: configuration.jobLimits)
        let registry = registry, emitGraph = graphEvents.emit
        let gate = JobChannelGate(logger: Logger(label: "gestalt.jobs"))
        jobs.onMessage { message in
            // A rescan's frame is its bulk result, already in the store: open
            // graph views refetch, whether or not the frame reaches the sockets.
            if message.type == "frame", message.jobKind == .rescan {
                emitGraph(.invalidated(projectID: "", reason: "rescan"))
            }
            guard let checked = gate.checked(type: message.type, payload: message.payload) else { return }
            registry.broadcast(checked)
        }
    }

    /// This server with an alert engine made after it (the engine broadcasts
    /// through this server's registry, so it cannot exist first).
    package func with(alerts: any AlertsView) -> GestaltServer {
        var server = self
        server.alerts = alerts
        return server
    }

    package func makeRouter() -> Router<GestaltRequestContext> {
        let router = Router(context: GestaltRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: EmbeddedUIMiddleware())
        // Before every route and route middleware (history's answers among them).
        if let verifier = configuration.auth { router.add(middleware: AccessMiddleware(verifier: verifier)) }
        // Without history the routes still exist and answer 503 saying so.
        HistoryRoutes(history: history ?? NoHistory(), maxLimit: configuration.maxEventLimit, store: store)
            .register(on: router)
        InfraRoutes(store: store, registry: registry, fanout: fanout, configuration: configuration).register(on: router)
        GraphRoutes(graph: GraphAPI(store: store, emit: graphEvents.emit), maxBodyBytes: configuration.maxBodyBytes)
            .register(on: router)
        GraphEventRoutes(log: graphEvents.log, registry: registry, options: configuration.stream).register(on: router)
        OpsRoutes(store: store, statusBoard: statusBoard, registry: registry, metrics: metrics).register(on: router)
        PluginRoutes(store: store).register(on: router)
        JobRoutes(jobs: jobs, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        AlertRoutes(alerts: alerts, registry: registry, options: configuration.stream).register(on: router)
        PathRoutes(statusBoard: statusBoard, rest: makeRESTRouter().buildResponder()).register(on: router)
        webSocketRoutes.register(plainOn: router)
        constellationRoutes.register(plainOn: router)
        return router
    }

    /// The read routes alone, which the `world.infra` paths are names for.
    private func makeRESTRouter() -> Router<GestaltRequestContext> {
        let router = Router(context: GestaltRequestContext.self)
        InfraRoutes(store: store, registry: registry, fanout: fanout, configuration: configuration).register(on: router)
        OpsRoutes(store: store, statusBoard: statusBoard, registry: registry, metrics: metrics).register(on: router)
        AlertRoutes(alerts: alerts, registry: registry, options: configuration.stream).register(on: router)
        return router
    }

    private var constellationRoutes: ConstellationRoutes {
        ConstellationRoutes(store: store, registry: registry, configuration: configuration)
    }

    private var webSocketRoutes: WebSocketRoutes { WebSocketRoutes() }

    /// Connections whose first request opens the topology stream or a
    /// WebSocket (realtime or Constellation's) are served directly
    /// (`DirectStreams`); all others by Hummingbird's HTTP/1.1 channel, which
    /// upgrades nothing (a later request on a kept-alive connection that asks
    /// to upgrade gets the router's 426).
    private var serverBuilder: HTTPServerBuilder {
        let direct = DirectStreams(
            session: .init(
                store: store, registry: registry, fanout: fanout, heartbeat: heartbeat,
                stream: configuration.stream, options: configuration.webSocket, history: history
            ), enabled: configuration.auth == nil, verifier: configuration.auth)
        return HTTPServerBuilder { responder in
            StreamDispatchChannel(
                inner: HTTP1Channel(responder: responder),
                direct: direct, gate: configuration.auth
            )
        }
    }

    /// The application with the keepalive ticker and the caller's services.
    /// Use `run(services:logger:)` to serve with graceful shutdown of streams.
    package func makeApplication(services: [any Service] = [], logger: Logger) -> some ApplicationProtocol {
        let ticker = KeepaliveTicker(
            signals: [store.topologySignal, store.eventSignal, graphEvents.log.signal],
            keepalive: configuration.stream.keepalive
        )
        let registry = registry, heartbeat = heartbeat
        let housekeeping: [any Service] = [
            BackgroundService(name: "keepalive") { await ticker.run() },
            BackgroundService(name: "ws-heartbeat") { await heartbeat.run() },
            BackgroundService(name: "stuck-clients") {
                // A tenth of the timeout, at most a second: a stuck client goes
                // within 10% (or 1 s) of its deadline.
                let period = min(registry.stuckTimeout / 10, .seconds(1))
                while !Task.isCancelled {
                    try await Task.sleep(for: period)
                    registry.sweepStuck()
                }
            },
        ]
        return Application(
            responder: ChildTaskResponder(inner: makeRouter().buildResponder()),
            server: serverBuilder,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "gestalt"),
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
    package func run(services: [any Service], logger: Logger) async throws {
        let store = store, shutdownTimeout = configuration.shutdownTimeout, graphSignal = graphEvents.log.signal
        let mark = ShutdownMark()
        let streamCloser = BackgroundService(name: "stream-closer") {
            try? await gracefulShutdown()
            mark.begin()
            store.topologySignal.close()
            store.eventSignal.close()
            graphSignal.close()
            ShutdownDeadline.start(after: shutdownTimeout, logger: logger)
        }
        // Background work that ends by itself (a loop that saw the signals
        // close during shutdown) is not a failure; the server ending is.
        let background = (services + [streamCloser]).map {
            ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .ignore)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: Array(background.dropLast()) + [
                    .init(service: makeApplication(logger: logger)), background.last!,
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await ShutdownMark.$current.withValue(mark) { try await group.run() }
    }
}
