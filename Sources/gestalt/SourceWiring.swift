import GestaltChurn
import GestaltEngine
import GestaltKubernetes
import GestaltLayout
import GestaltSimulator
import GestaltServer
import Logging
import ServiceLifecycle

/// Chooses the sources for `serve` from its flags.
enum SourceWiring {
    static func services(
        demo: DemoOptions, kubernetes: KubernetesOptions, sink: any ChangeSink, store: TopologyStore,
        statusBoard: SourceStatusBoard, logger: Logger
    ) throws -> [any Service] {
        if kubernetes.enabled { return try kubernetesServices(kubernetes, store: store, statusBoard: statusBoard, logger: logger) }
        let configuration = SimulatorConfiguration(
            seed: demo.demoSeed, changesPerSecond: demo.demoRate, size: demo.demoSize, churn: demo.demoChurn,
            tickInterval: .milliseconds(demo.demoTick)
        )
        logger.info("simulated cluster: seed \(configuration.seed), about \(configuration.size) entities, \(configuration.changesPerSecond) changes/s\(configuration.churn ? ", churn on" : "")")
        // Ready is reported by the simulator once its cluster is loaded.
        statusBoard.set(SimulatedCluster.sourceName, .syncing, message: "building the simulated cluster")
        return [BackgroundService(name: "simulator") {
            // The cluster is not Sendable: it lives on the task that runs it.
            try await SimulatedCluster(configuration: configuration).run(store: store, sink: sink, statusBoard: statusBoard)
        }]
    }
}

enum LayoutWiring {
    static func services(store: TopologyStore, enabled: Bool, seed: UInt64) -> [any Service] {
        guard enabled else { return [] }
        let layout = LayoutService(configuration: LayoutConfiguration(seed: seed))
        return [BackgroundService(name: "layout") { await layout.run(store: store) }]
    }
}

extension SourceWiring {
    /// A configuration that cannot load is an error before the server starts;
    /// a cluster that cannot be reached is a source status the source keeps retrying.
    static func kubernetesServices(
        _ options: KubernetesOptions, store: TopologyStore, statusBoard: SourceStatusBoard, logger: Logger
    ) throws -> [any Service] {
        let configuration: KubernetesConfiguration
        do {
            configuration = options.inCluster
                ? try KubernetesConfiguration.inCluster(namespaces: options.namespaces)
                : try KubernetesConfiguration.load(kubeconfigPath: options.kubeconfig, context: options.context, namespaces: options.namespaces)
        } catch {
            throw StartupError("cannot use the Kubernetes configuration: \(error)")
        }
        statusBoard.set("kubernetes", .syncing, message: "connecting to \(configuration.server)")
        logger.info("kubernetes source: \(configuration.server)\(options.namespaces.isEmpty ? "" : ", namespaces \(options.namespaces.joined(separator: ","))")")
        let source = KubernetesSource(configuration: configuration, store: store, statusBoard: statusBoard, logger: logger)
        return [BackgroundService(name: "kubernetes") { try await source.run() }]
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
