/// Everything a configuration file asks `gestalt serve` to run, read and
/// validated. Sources that are absent or disabled are empty lists or nil;
/// every other section has the defaults documented in docs/CONFIGURATION.md.
///
/// ```swift
/// let configuration = try GestaltConfiguration.load(path: "config/infrastructure.yaml")
/// for cluster in configuration.kubernetes { ... }
/// ```
package struct GestaltConfiguration: Sendable, Hashable {
    package var kubernetes: [KubernetesInstance]
    package var docker: [DockerInstance]
    package var nats: [NATSInstance]
    package var postgres: PostgresCollector?
    package var otel: OTelSettings?
    /// Runs only when the file enables it (without a file, `serve` runs the simulator by itself).
    package var simulator: SimulatorSettings?
    package var visualization: VisualizationSettings
    package var health: HealthThresholds
    package var alerts: AlertSettings
    package var history: HistorySettings?
    /// The file says `history: {enabled: false}` (nil `history` alone may just mean the section is absent).
    package var historyDisabled = false
    /// Tokens and JWT keys; nil: no authentication.
    package var auth: AuthSettings?

    package init(
        kubernetes: [KubernetesInstance] = [], docker: [DockerInstance] = [], nats: [NATSInstance] = [],
        postgres: PostgresCollector? = nil, otel: OTelSettings? = nil, simulator: SimulatorSettings? = nil,
        visualization: VisualizationSettings = VisualizationSettings(), health: HealthThresholds = HealthThresholds(),
        alerts: AlertSettings = AlertSettings(), history: HistorySettings? = nil
    ) {
        self.kubernetes = kubernetes
        self.docker = docker
        self.nats = nats
        self.postgres = postgres
        self.otel = otel
        self.simulator = simulator
        self.visualization = visualization
        self.health = health
        self.alerts = alerts
        self.history = history
    }

    /// Whether any source would run; a file with none gives an empty map.
    package var hasSources: Bool {
        !kubernetes.isEmpty || !docker.isEmpty || !nats.isEmpty || postgres != nil || otel != nil || simulator != nil
    }
}

extension GestaltConfiguration {
    static let rootKeys = ["collectors", "visualization", "health", "alerts", "history", "auth"]
    static let collectorKeys = ["kubernetes", "docker", "nats", "otel", "postgres", "simulator"]

    /// Reads a parsed document; an empty document is all defaults.
    static func read(_ root: ConfigNode?) throws -> GestaltConfiguration {
        var configuration = GestaltConfiguration()
        guard let root, !root.isNull else { return configuration }
        let document = try root.mapping(keys: rootKeys)
        if let node = document.section("collectors") {
            let collectors = try node.mapping(keys: collectorKeys)
            if let node = collectors.section("kubernetes") {
                configuration.kubernetes = try KubernetesInstance.read(node)
            }
            if let node = collectors.section("docker") { configuration.docker = try DockerInstance.read(node) }
            if let node = collectors.section("nats") { configuration.nats = try NATSInstance.read(node) }
            if let node = collectors.section("otel") { configuration.otel = try OTelSettings.read(node) }
            if let node = collectors.section("postgres") { configuration.postgres = try PostgresCollector.read(node) }
            if let node = collectors.section("simulator") { configuration.simulator = try SimulatorSettings.read(node) }
        }
        if let node = document.section("visualization") {
            configuration.visualization = try VisualizationSettings.read(node)
        }
        if let node = document.section("health") { configuration.health = try HealthThresholds.read(node) }
        if let node = document.section("alerts") { configuration.alerts = try AlertSettings.read(node) }
        if let node = document.section("history") {
            configuration.history = try HistorySettings.read(node)
            configuration.historyDisabled = configuration.history == nil
        }
        if let node = document.section("auth") { configuration.auth = try AuthSettings.read(node) }
        return configuration
    }
}
