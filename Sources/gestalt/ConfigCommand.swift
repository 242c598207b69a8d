import ArgumentParser
import Foundation
import GestaltConfig

/// `gestalt config`: work with configuration files without starting the server.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with configuration files (docs/CONFIGURATION.md).",
        subcommands: [Check.self]
    )

    /// `gestalt config check FILE`: validates the file and says what `serve --config FILE` would run.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file and print the sources it would run (exit 1 on an error)."
        )

        @Argument(help: "The YAML configuration file.") var file: String

        func run() async throws {
            do {
                let configuration = try GestaltConfiguration.load(path: file)
                print("\(file): ok")
                for line in configuration.summary { print("  \(line)") }
            } catch {
                // The message names file:line:column and the key; usage text would only hide it.
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
