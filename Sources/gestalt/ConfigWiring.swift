import FoundationEssentials
import GestaltConfig
import GestaltDocker
import GestaltEngine
import GestaltKubernetes
import GestaltNATS
import GestaltPostgres
import GestaltPrometheus
import GestaltSimulator
import Logging

/// The sources a configuration file names, plus those its flags add. Every
/// error here stops the server before it listens (it never half-starts).
enum ConfigWiring {
    static func sources(
        _ file: GestaltConfiguration, flags: SourceFlags, demo: DemoOptions, kubernetes: KubernetesOptions,
        logger: Logger
    ) throws -> [any TopologySource] {
        var sources: [any TopologySource] = []
        for cluster in file.kubernetes {
            sources.append(try kubernetesSource(cluster, logger: logger))
        }
        if kubernetes.enabled { sources.append(try SourceWiring.kubernetesSource(kubernetes, logger: logger)) }
        sources += postgresSources(file.postgres, extraURLs: flags.postgres, logger: logger)
        for server in file.nats {
            let configuration = NATSSourceConfiguration(
                url: server.url.absoluteString,
                monitorURL: server.monitorURL?.absoluteString ?? "http://\(server.url.host ?? "127.0.0.1"):8222",
                pollInterval: server.pollInterval, subjects: server.subjects
            )
            sources.append(
                NATSSource(instance: SourceInstance(kind: "nats", name: server.name), configuration: configuration))
        }
        sources += natsSources(flags)
        for host in file.docker {
            let configuration = DockerSourceConfiguration(
                socket: host.socket.absoluteString, pollInterval: host.pollInterval)
            sources.append(
                DockerSource(instance: SourceInstance(kind: "docker", name: host.name), configuration: configuration))
        }
        sources += dockerSources(flags)
        // Enrichment runs beside the sources and lays metrics over what they found.
        if let endpoint = flags.prometheus ?? file.otel?.prometheusEndpoint?.absoluteString {
            sources.append(prometheusEnricher(endpoint))
        }
        if let simulator = file.simulator {
            var demo = demo
            demo.demoSeed = demo.demoSeed ?? simulator.seed
            demo.demoSize = demo.demoSize ?? simulator.size
            demo.demoRate = demo.demoRate ?? simulator.rate
            demo.demoChurn = demo.demoChurn || simulator.churn
            sources.append(SourceWiring.simulator(demo, logger: logger))
        }
        return sources
    }

    static func kubernetesSource(_ cluster: KubernetesInstance, logger: Logger) throws -> KubernetesSource {
        let configuration: KubernetesConfiguration
        do {
            switch cluster.credentials {
            case .inCluster: configuration = try KubernetesConfiguration.inCluster(namespaces: cluster.namespaces)
            case .kubeconfig(let path):
                configuration = try KubernetesConfiguration.load(
                    kubeconfigPath: path, context: cluster.context, namespaces: cluster.namespaces)
            }
        } catch {
            let name = cluster.name.map { "cluster '\($0)'" } ?? "collectors.kubernetes"
            throw StartupError("cannot use the Kubernetes configuration of \(name): \(error)")
        }
        logger.info("kubernetes source \(cluster.name ?? "(unnamed)"): \(configuration.server)")
        return KubernetesSource(configuration: configuration, cluster: cluster.name, logger: logger)
    }

    /// The Docker engine `--docker` names, if any.
    static func dockerSources(_ flags: SourceFlags) -> [any TopologySource] {
        guard let socket = flags.docker else { return [] }
        return [DockerSource(configuration: DockerSourceConfiguration(socket: socket))]
    }

    static func prometheusEnricher(_ endpoint: String) -> PrometheusEnricher {
        PrometheusEnricher(configuration: PrometheusEnrichmentConfiguration(endpoint: endpoint))
    }

    /// The NATS server `--nats` names, if any.
    static func natsSources(_ flags: SourceFlags) -> [any TopologySource] {
        guard let url = flags.nats else { return [] }
        let configuration = NATSSourceConfiguration(
            url: url, monitorURL: flags.natsMonitor ?? NATSSourceConfiguration().monitorURL, subjects: flags.natsSubject
        )
        return [NATSSource(configuration: configuration)]
    }

    /// One source for the unnamed servers (the file's single URL and every
    /// `--postgres` flag), and one per named database entry (`postgres@name`).
    static func postgresSources(
        _ collector: GestaltConfig.PostgresCollector?, extraURLs: [String], logger: Logger
    ) -> [any TopologySource] {
        var sources: [any TopologySource] = []
        let databases = collector?.databases ?? []
        let unnamed = databases.filter { $0.name == nil }.map(\.url.absoluteString) + extraURLs
        func configuration(_ urls: [String]) -> PostgresSourceConfiguration {
            var configuration = PostgresSourceConfiguration(
                urls: urls, allowQueryText: collector?.allowQueryText ?? false)
            if let interval = collector?.pollInterval { configuration.pollInterval = interval }
            return configuration
        }
        if !unnamed.isEmpty {
            sources.append(
                PostgresSource(
                    instance: SourceInstance(kind: "postgres"), configuration: configuration(unnamed), logger: logger))
        }
        for database in databases {
            guard let name = database.name else { continue }
            sources.append(
                PostgresSource(
                    instance: SourceInstance(kind: "postgres", name: name),
                    configuration: configuration([database.url.absoluteString]), logger: logger
                ))
        }
        return sources
    }
}
