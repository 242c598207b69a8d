import ArgumentParser
import GestaltChurn
import GestaltConfig
import GestaltEngine
import GestaltHistory
import GestaltModel
import GestaltNATS
import GestaltServer
import GestaltStreaming
import Hummingbird
import Logging
import Metrics
import NATSClient
import Prometheus
import ServiceLifecycle

/// `gestalt serve`: the server, on the simulated cluster unless a real source is named.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (the default command).",
        discussion: "With no source flags it runs the built-in simulated cluster. The UI is at http://<host>:<port>/."
    )

    @Option(help: "Address to listen on.") var host = "0.0.0.0"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info
    @Option(help: "Publish graph API events on this NATS server (nats://host:4222) and stream them from it.")
    var graphEventsNats: String?

    @OptionGroup(title: "Simulated cluster") var demo: DemoOptions
    @OptionGroup(title: "Kubernetes") var kubernetes: KubernetesOptions
    @OptionGroup(title: "Streaming") var streaming: StreamingOptions
    @OptionGroup(title: "Pod churn smoothing") var churn: ChurnOptions
    @OptionGroup(title: "History") var history: HistoryOptions
    @OptionGroup(title: "Sources") var sourceFlags: SourceFlags

    func run() async throws { try await run(role: .serve) }

    /// The one server pipeline; `collect` and `edge` (ScaleOut.swift) change what feeds the store.
    func run(role: ScaleOutRole) async throws {
        LoggingSystem.bootstrap { label in
            var handler = ServerLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "gestalt")
        // A bad file stops the server here, before anything listens.
        let file = try sourceFlags.loadConfiguration()
        let registry = PrometheusCollectorRegistry()
        let otlp = try sourceFlags.otlpExport(file: file, logger: logger)
        let prometheusFactory = PrometheusMetricsFactory(registry: registry)
        if let otlp {
            otlp.bootstrap(alongside: prometheusFactory)
        } else {
            MetricsSystem.bootstrap(prometheusFactory)
        }

        var storeConfiguration = StoreConfiguration()
        storeConfiguration.retainedUpdates = streaming.retainedUpdates
        // An edge's revisions are JetStream sequences, the same on every edge and across restarts.
        storeConfiguration.startingCounter = role.isEdge ? 0 : StoreConfiguration.processBase()
        storeConfiguration.maxEntities = file?.visualization.maxEntities
        if let health = file?.health {
            storeConfiguration.healthPolicy.thresholds = UsageThresholds(
                cpuWarning: health.cpuWarning, cpuCritical: health.cpuCritical,
                memoryWarning: health.memoryWarning, memoryCritical: health.memoryCritical
            )
        }
        // An edge keeps no history of its own (the streams are its history).
        let opened =
            role.isEdge
            ? nil
            : try await history.open(processBase: storeConfiguration.startingCounter, file: HistoryFileSetting(file))
        storeConfiguration.startingCounter = opened?.startingCounter ?? storeConfiguration.startingCounter
        let store = TopologyStore(configuration: storeConfiguration)
        let statusBoard = SourceStatusBoard()

        var serverConfiguration = ServerConfiguration(host: host, port: port)
        streaming.apply(to: &serverConfiguration)
        serverConfiguration.auth = try await AuthWiring.verifier(file: file, host: host, logger: logger)
        let graphNATS = try graphEventsNats.map { url in (GraphEventsNATS(), try NATSConnectionOptions(url: url)) }
        var server = GestaltServer(
            store: store, statusBoard: statusBoard, configuration: serverConfiguration,
            metrics: ServerMetrics(registry: registry), history: opened?.history,
            graphEvents: graphNATS.map { events, _ in GraphEventRouting(log: events.log, emit: events.emit) }
                ?? GraphEventRouting()
        )
        // The alert engine broadcasts through the server's registry, and the server lists its alerts.
        let alerting = AlertWiring.engine(
            file: file, store: store, statusBoard: statusBoard, server: server, logger: logger)
        if let alerting { server = server.with(alerts: alerting.0) }

        let streams = server.registry
        // Churn notices go to every WebSocket client as their own message types.
        let (sink, churnServices) = ChurnWiring.sink(options: churn, store: store, logger: logger) { notice in
            streams.broadcast(BroadcastMessage(type: notice.messageType, payload: notice.jsonBytes()))
        }
        var services = churnServices + (alerting?.1 ?? [])
        services += otlp?.services ?? []
        if let (events, options) = graphNATS {
            services.append(BackgroundService(name: "graph events over NATS") { await events.run(options: options) })
        }
        // An edge runs no source: the collector's updates are its only input.
        let sources: [any TopologySource] =
            role.isEdge
            ? []
            : try file.map {
                try ConfigWiring.sources($0, flags: sourceFlags, demo: demo, kubernetes: kubernetes, logger: logger)
            }
                ?? SourceWiring.sources(demo: demo, kubernetes: kubernetes, flags: sourceFlags, logger: logger)
        if sources.isEmpty, !role.isEdge { logger.warning("the configuration enables no source: the map stays empty") }
        await RestoreWiring.restore(store: store, history: opened?.history, sources: sources, logger: logger)
        // A source back from an outage resynced its entities in bulk: one
        // graph.invalidated for every project (docs/PROTOCOL.md, Graph events).
        let emitGraph = server.graphEvents.emit
        services += SourceWiring.services(for: sources, sink: sink, store: store, statusBoard: statusBoard) {
            emitGraph(.invalidated(projectID: "", reason: "source_resync"))
        }
        server.jobs.attach(sources: sources, sink: sink, statusBoard: statusBoard)
        services += HistoryOptions.services(history: opened?.history, store: store, logger: logger)
        if let limit = storeConfiguration.maxEntities {
            let watch = EntityLimitWatch(store: store, limit: limit)
            services.append(BackgroundService(name: "entity limit") { await watch.run() })
        }
        // An edge shows the collector's positions; it computes none.
        let layout = LayoutWiring.services(
            store: store, enabled: !streaming.noLayout && !role.isEdge, seed: demo.demoSeed ?? 1)
        services += layout.services
        server.jobs.attach(stages: layout.stages)
        services += try role.services(store: store, statusBoard: statusBoard, logger: logger)
        logger.info("gestalt \(Gestalt.version) listening on http://\(host):\(port)/")
        try await server.run(services: services, logger: logger)
        await opened?.history.close()
    }
}

struct StreamingOptions: ParsableArguments {
    @Option(help: "Recent updates kept for Last-Event-ID resume.") var retainedUpdates = 10_000
    @Option(help: "Seconds of idle before an SSE stream sends ': keepalive'.") var keepalive = 15.0
    @Option(
        help: "Updates a client may fall behind before a fresh full replaces its backlog (when the full is smaller).")
    var maxPending = 1000
    @Option(help: "Seconds a client's write may stay blocked before it is disconnected.") var stuckTimeout = 30.0
    @Option(
        help: ArgumentHelp(
            "Least milliseconds between two fan-out passes: changes that come faster reach each stream client joined in one write (0: a write per change).",
            valueName: "ms"))
    var fanoutWindow = 16.0
    @Option(help: "Seconds between WebSocket pings; a peer that misses two is closed.") var wsPingInterval = 30.0
    @Option(help: "Largest WebSocket message a client may send, in bytes.") var wsMaxMessageBytes = 64 * 1024
    @Flag(help: "Do not offer permessage-deflate on the WebSocket.") var noWsCompression = false
    @Flag(help: "Do not run the 3D layout engine (entities keep x, y, z = 0).") var noLayout = false
    @Option(help: "Seconds a graceful shutdown (SIGTERM, SIGINT) may take before the process exits anyway.")
    var shutdownTimeout = 10.0

    func validate() throws {
        guard retainedUpdates >= 1 else { throw ValidationError("--retained-updates must be at least 1") }
        guard keepalive > 0, stuckTimeout > 0, wsPingInterval > 0, shutdownTimeout > 0 else {
            throw ValidationError(
                "--keepalive, --stuck-timeout, --ws-ping-interval and --shutdown-timeout must be positive numbers of seconds"
            )
        }
        guard fanoutWindow >= 0, fanoutWindow <= 1000 else {
            throw ValidationError("--fanout-window must be between 0 and 1000 milliseconds")
        }
        guard maxPending >= 1 else { throw ValidationError("--max-pending must be at least 1") }
        guard wsMaxMessageBytes >= 1024 else { throw ValidationError("--ws-max-message-bytes must be at least 1024") }
    }

    func apply(to configuration: inout ServerConfiguration) {
        configuration.stream.keepalive = .milliseconds(Int64(keepalive * 1000))
        configuration.stream.resyncThreshold = maxPending
        configuration.stream.passWindow = .microseconds(Int64(fanoutWindow * 1000))
        configuration.stuckTimeout = .milliseconds(Int64(stuckTimeout * 1000))
        configuration.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000))
        configuration.webSocket.pingInterval = .milliseconds(Int64(wsPingInterval * 1000))
        configuration.webSocket.maxMessageBytes = wsMaxMessageBytes
        configuration.webSocket.compression = !noWsCompression
    }
}
