package import Foundation

/// The metrics side: where OTLP data arrives and which Prometheus to query.
package struct OTelSettings: Sendable, Hashable {
    /// The OTLP/HTTP collector base (`http://host:4318`) gestalt sends its own traces and metrics to (docs/OTEL.md); nil when not given.
    package var otlpEndpoint: URL?
    /// Prometheus HTTP API base (`http://host:9090`), nil when not given.
    package var prometheusEndpoint: URL?
    package var pollInterval: Duration

    package init(otlpEndpoint: URL? = nil, prometheusEndpoint: URL? = nil, pollInterval: Duration = .seconds(5)) {
        self.otlpEndpoint = otlpEndpoint
        self.prometheusEndpoint = prometheusEndpoint
        self.pollInterval = pollInterval
    }
}

extension OTelSettings {
    static let sectionKeys = ["enabled", "otlp_endpoint", "prometheus_endpoint", "poll_interval"]

    /// `collectors.otel`; nil when it is disabled.
    static func read(_ node: ConfigNode) throws -> OTelSettings? {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var settings = OTelSettings()
        if let node = section["otlp_endpoint"] { settings.otlpEndpoint = try node.url(schemes: ["http", "https"]) }
        if let node = section["prometheus_endpoint"] {
            settings.prometheusEndpoint = try node.url(schemes: ["http", "https"])
        }
        if let node = section["poll_interval"] { settings.pollInterval = try node.pollInterval() }
        if enabled, settings.otlpEndpoint == nil, settings.prometheusEndpoint == nil {
            throw section.missing(
                "prometheus_endpoint", "give prometheus_endpoint or otlp_endpoint (or set enabled: false)")
        }
        return enabled ? settings : nil
    }
}
