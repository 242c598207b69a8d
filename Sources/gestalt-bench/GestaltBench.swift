import ArgumentParser

/// `gestalt-bench`: the benchmarks of the sources, clients and stores that
/// need real peers. It is its own executable, so the shipping `gestalt`
/// binary links none of this code.
@main
struct GestaltBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gestalt-bench",
        abstract: "Benchmarks that run gestalt's pieces side by side with real peers.",
        subcommands: [
            SnapshotBench.self, DiffBench.self, StoreBench.self, SSEBench.self, LayoutBench.self, LoadBench.self,
            FanoutBench.self, PatchBench.self,
            KubernetesBench.self,
            PostgresBench.self,
            HistoryBench.self, HistoryLatencyBench.self,
            NATSBench.self,
            DockerBench.self,
            EnrichmentBench.self, EnrichmentExporter.self,
            AlertsBench.self,
            ScaleOutPublishBench.self,
        ]
    )
}
