import ArgumentParser

/// `gestalt`: a live map of running infrastructure.
@main
struct Gestalt: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gestalt",
        abstract: "A live map of running infrastructure, streamed to a 3D web UI.",
        version: version,
        subcommands: [Serve.self, Collect.self, Edge.self, ConfigCommand.self, Query.self],
        defaultSubcommand: Serve.self
    )
}
