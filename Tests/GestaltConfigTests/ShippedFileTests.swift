import Foundation
import GestaltConfig
import Testing

/// The plan's file must work as written, and the example must enable every source.
@Suite struct ShippedFileTests {
    @Test func thePlansFileReadsAsWritten() throws {
        let configuration = try GestaltConfiguration.load(path: shipped("infrastructure.yaml"))

        #expect(
            configuration.kubernetes == [
                KubernetesInstance(name: nil, credentials: .inCluster, namespaces: [], pollInterval: .seconds(5))
            ])
        #expect(
            configuration.docker == [
                DockerInstance(socket: URL(string: "unix:///var/run/docker.sock")!, pollInterval: .seconds(3))
            ])
        #expect(
            configuration.nats == [
                NATSInstance(
                    url: URL(string: "nats://localhost:4222")!, monitorURL: URL(string: "http://localhost:8222")!,
                    subjects: ["kgents.>"], pollInterval: .seconds(2)
                )
            ])
        let otel = try #require(configuration.otel)
        #expect(otel.otlpEndpoint == URL(string: "http://localhost:4317"))
        #expect(otel.prometheusEndpoint == URL(string: "http://localhost:9090"))
        #expect(configuration.postgres == nil)
        #expect(configuration.simulator == nil)
        #expect(configuration.history == nil)
        #expect(
            configuration.visualization
                == VisualizationSettings(maxEntities: 1000, layoutAlgorithm: .forceDirected3D, animationFPS: 60))
        #expect(
            configuration.health
                == HealthThresholds(cpuWarning: 0.7, cpuCritical: 0.9, memoryWarning: 0.8, memoryCritical: 0.95))
        #expect(configuration.alerts.enabled)
        #expect(configuration.alerts.slackURL == nil)
        #expect(configuration.alerts.pagerDutyKey == nil)
        #expect(configuration.alerts.rules == [AlertRule.criticalHealth])
    }

    @Test func theExampleEnablesEverySource() throws {
        let configuration = try GestaltConfiguration.load(path: shipped("example.yaml"))

        #expect(configuration.kubernetes.count == 1)
        #expect(configuration.docker.map(\.socket) == [URL(string: "unix:///var/run/docker.sock")!])
        #expect(configuration.nats.map(\.url) == [URL(string: "nats://127.0.0.1:4222")!])
        #expect(configuration.nats.first?.monitorURL == URL(string: "http://127.0.0.1:8222"))
        #expect(configuration.otel?.prometheusEndpoint == URL(string: "http://127.0.0.1:9090"))
        let postgres = try #require(configuration.postgres)
        #expect(
            postgres.databases == [PostgresInstance(url: URL(string: "postgres://postgres@127.0.0.1:5432/postgres")!)])
        #expect(!postgres.allowQueryText)
        #expect(configuration.alerts.rules.map(\.name) == ["critical-health", "failed-database"])
        #expect(configuration.summary.contains("postgres: postgres://postgres@127.0.0.1:5432/postgres, every 10s"))
    }

    @Test func theExamplesCommentedClustersAreValidWhenUncommented() throws {
        // The commented block is documentation; it must be right when someone uses it.
        let text = try String(contentsOfFile: shipped("example.yaml"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "    # clusters:"))
        lines[start] = "    clusters:"
        var index = start + 1
        while lines[index].hasPrefix("    #   ") {
            lines[index] = "      " + lines[index].dropFirst(8)
            index += 1
        }
        let uncommented = lines.joined(separator: "\n")
        try withTemporaryDirectory { directory in
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            let hasKubeconfigs = ["/.kube/prod.yaml", "/.kube/config"].allSatisfy {
                FileManager.default.fileExists(atPath: home + $0)
            }
            do {
                let configuration = try GestaltConfiguration.parse(
                    yaml: uncommented, file: "example.yaml", directory: directory)
                #expect(configuration.kubernetes.map(\.name) == ["prod", "staging"])
            } catch let error as ConfigurationError {
                // Without those kubeconfigs here, the only acceptable failure is the missing file.
                #expect(!hasKubeconfigs)
                #expect(error.keyPath == "collectors.kubernetes.clusters[0].kubeconfig")
                #expect(error.message.hasPrefix("no such file: "))
            }
        }
    }
}
