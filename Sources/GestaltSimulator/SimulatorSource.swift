public import GestaltEngine

/// The embedded simulated cluster as a source: what `gestalt` runs with no
/// configuration. Each run builds the cluster afresh from its seed, so a
/// restart after a failure lands on the same ids and duplicates nothing.
public struct SimulatorSource: TopologySource {
    public let configuration: SimulatorConfiguration
    public let instance = SourceInstance(kind: SimulatedCluster.sourceName)

    public init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
    }

    public func run(in context: SourceContext) async throws {
        // The cluster is not Sendable: it lives on the task that runs it.
        try await SimulatedCluster(configuration: configuration)
            .run(store: context.store, sink: context.sink, statusBoard: context.statusBoard)
    }
}
