import ArgumentParser
import Foundation
import GestaltConfig

/// The configuration file, and the source flags that add to it (or, with
/// no file, replace the simulator).
struct SourceFlags: ParsableArguments {
    @Option(help: "The YAML configuration file (the plan's config/infrastructure.yaml; see docs/CONFIGURATION.md).")
    var config: String?
    @Option(help: "A PostgreSQL server to collect, postgres://user:password@host:port/db (repeatable).")
    var postgres: [String] = []

    @Option(help: "A NATS server to collect, nats://host:4222.") var nats: String?
    @Option(help: "The NATS server's monitoring URL (default http://127.0.0.1:8222).") var natsMonitor: String?
    @Option(help: "A subject pattern whose message rates are sampled, e.g. 'kgents.>' (repeatable).") var natsSubject:
        [String] = []

    @Option(help: "A Docker engine to collect: unix:///var/run/docker.sock, a socket path, or tcp://host:port.")
    var docker: String?
    @Option(
        help: "Prometheus to enrich entities from, e.g. http://127.0.0.1:9090 (collectors.otel.prometheus_endpoint).")
    var prometheus: String?
    @Option(
        help:
            "An OTLP/HTTP collector to send gestalt's own traces and metrics to, e.g. http://127.0.0.1:4318 (collectors.otel.otlp_endpoint)."
    )
    var otlpEndpoint: String?

    func validate() throws {
        if let prometheus, !(prometheus.hasPrefix("http://") || prometheus.hasPrefix("https://")) {
            throw ValidationError("--prometheus takes an http(s):// URL, got '\(prometheus)'")
        }
        if let otlpEndpoint,
            !(otlpEndpoint.hasPrefix("http://") || otlpEndpoint.hasPrefix("https://"))
                || URL(string: otlpEndpoint) == nil
        {
            throw ValidationError("--otlp-endpoint takes an http(s):// URL, got '\(otlpEndpoint)'")
        }
        if let nats, !nats.hasPrefix("nats://") { throw ValidationError("--nats takes a nats:// URL, got '\(nats)'") }
        if nats == nil, natsMonitor != nil || !natsSubject.isEmpty {
            throw ValidationError("--nats-monitor and --nats-subject need --nats")
        }
        for url in postgres where !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            throw ValidationError("--postgres takes a postgres:// URL, got '\(url)'")
        }
    }

    /// The file, read and checked; its one-line error (file:line:column: key: message) otherwise.
    func loadConfiguration() throws -> GestaltConfiguration? {
        guard let config else { return nil }
        do {
            return try GestaltConfiguration.load(path: config)
        } catch {
            throw StartupError(error.description)
        }
    }
}
