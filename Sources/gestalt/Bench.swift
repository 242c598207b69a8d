import ArgumentParser

/// `gestalt bench`: the project's own benchmarks. Build with `-c release`;
/// figures and the commands that made them go to docs/BENCHMARKS.md.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print its figures (build with -c release).",
        subcommands: [SnapshotBench.self, DiffBench.self, StoreBench.self, SSEBench.self, LayoutBench.self, LoadBench.self, KubernetesBench.self]
    )
}
