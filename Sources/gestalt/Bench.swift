import ArgumentParser

/// `gestalt bench`: the project's own benchmarks; figures go to docs/BENCHMARKS.md.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print its figures.",
        subcommands: []
    )
}
