package import GestaltEngine

/// The embedded simulated cluster as a source: what `gestalt` runs with no
/// configuration. Each run builds the cluster afresh from its seed, so a
/// restart after a failure lands on the same ids and duplicates nothing.
package struct SimulatorSource: RescannableSource {
    package let configuration: SimulatorConfiguration
    package let instance = SourceInstance(kind: SimulatedCluster.sourceName)
    /// A rescan is a request the cluster's own task serves between ticks.
    private let requests = CycleRequests<SourceSnapshot>(name: SimulatedCluster.sourceName)

    package init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
    }

    package func run(in context: SourceContext) async throws {
        // The cluster is not Sendable: it lives on the task that runs it, and
        // a rescan asks that task for its picture instead of touching it.
        try await requests.serving {
            try await SimulatedCluster(configuration: configuration)
                .run(store: context.store, sink: context.sink, statusBoard: context.statusBoard, requests: requests)
        }
    }

    /// The whole simulated cluster as it is now; the job diffs it against the
    /// store, so whatever the store lost or changed behind the simulator's
    /// back is put right.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot { try await requests.request() }
}
