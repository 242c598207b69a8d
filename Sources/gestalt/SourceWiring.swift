import GestaltChurn
import GestaltEngine
import GestaltKubernetes
import GestaltLayout
import GestaltServer
import GestaltSimulator
import Logging
import ServiceLifecycle

/// Chooses the sources for `serve` and runs each under a supervisor.
enum SourceWiring {
    /// The sources the flags name; the simulator when they name none.
    static func sources(
        demo: DemoOptions, kubernetes: KubernetesOptions, flags: SourceFlags, logger: Logger
    ) throws -> [any TopologySource] {
        var sources: [any TopologySource] = []
        if kubernetes.enabled { sources.append(try kubernetesSource(kubernetes, logger: logger)) }
        sources += ConfigWiring.postgresSources(nil, extraURLs: flags.postgres, logger: logger)
        sources += ConfigWiring.natsSources(flags)
        sources += ConfigWiring.dockerSources(flags)
        if sources.isEmpty { sources.append(simulator(demo, logger: logger)) }
        if let endpoint = flags.prometheus { sources.append(ConfigWiring.prometheusEnricher(endpoint)) }
        return sources
    }

    /// One service per source: a failing source is restarted with backoff,
    /// its entities stay on the map marked stale, and the others go on.
    static func services(
        for sources: [any TopologySource], sink: any ChangeSink, store: TopologyStore, statusBoard: SourceStatusBoard,
        onResync: (@Sendable () -> Void)? = nil
    ) -> [any Service] {
        sources.map { source in
            // Before the server listens: /readyz answers 503 until each source is ready.
            statusBoard.set(source.instance.description, .syncing, message: "starting")
            let supervisor = SourceSupervisor(
                source: source, sink: sink, store: store, statusBoard: statusBoard, onResync: onResync)
            return BackgroundService(name: "source \(source.instance)") { await supervisor.run() }
        }
    }

    static func simulator(_ demo: DemoOptions, logger: Logger) -> SimulatorSource {
        let configuration = SimulatorConfiguration(
            seed: demo.demoSeed, changesPerSecond: demo.demoRate ?? 20, size: demo.demoSize ?? 150,
            churn: demo.demoChurn,
            tickInterval: .milliseconds(demo.demoTick)
        )
        logger.info(
            "simulated cluster: seed \(configuration.seed), about \(configuration.size) entities, \(configuration.changesPerSecond) changes/s\(configuration.churn ? ", churn on" : "")"
        )
        return SimulatorSource(configuration: configuration)
    }
}

enum LayoutWiring {
    /// The layout service, and its on-demand pass as the last stage of a rescan job.
    static func services(
        store: TopologyStore, enabled: Bool, seed: UInt64
    ) -> (services: [any Service], stages: [OnDemandStage]) {
        guard enabled else { return ([], []) }
        let layout = LayoutService(store: store, configuration: LayoutConfiguration(seed: seed))
        return ([layout], [layout.stage])
    }
}

extension SourceWiring {
    /// A configuration that cannot load is an error before the server starts;
    /// a cluster that cannot be reached is a source status the source keeps retrying.
    static func kubernetesSource(
        _ options: KubernetesOptions, cluster: String? = nil, logger: Logger
    ) throws -> KubernetesSource {
        let configuration: KubernetesConfiguration
        do {
            configuration =
                options.inCluster
                ? try KubernetesConfiguration.inCluster(namespaces: options.namespaces)
                : try KubernetesConfiguration.load(
                    kubeconfigPath: options.kubeconfig, context: options.context, namespaces: options.namespaces)
        } catch {
            throw StartupError("cannot use the Kubernetes configuration: \(error)")
        }
        logger.info(
            "kubernetes source: \(configuration.server)\(options.namespaces.isEmpty ? "" : ", namespaces \(options.namespaces.joined(separator: ","))")"
        )
        return KubernetesSource(configuration: configuration, cluster: cluster, logger: logger)
    }
}

enum ChurnWiring {
    /// The sink sources write to, and the service that runs it: the store
    /// itself when smoothing is off, else a churn pipeline in front of it.
    static func sink(
        options: ChurnOptions, store: TopologyStore, logger: Logger, notices: @escaping @Sendable (ChurnNotice) -> Void
    ) -> (sink: any ChangeSink, services: [any Service]) {
        guard !options.noSmoothing else { return (store, []) }
        let pipeline = ChurnPipeline(store: store, configuration: options.configuration, notices: notices)
        return (pipeline, [BackgroundService(name: "churn") { await pipeline.run() }])
    }
}

/// A reason the server cannot start, printed as is (no usage text: the flags were fine).
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
