import Foundation
import GestaltConfig
import Testing

/// The repository's root, for the shipped files under config/.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func shipped(_ name: String) -> String { repositoryRoot.appendingPathComponent("config/\(name)").path }

/// Parses text that must be valid.
func parse(_ yaml: String, directory: String = NSTemporaryDirectory()) throws -> GestaltConfiguration {
    try GestaltConfiguration.parse(yaml: yaml, file: "x.yaml", directory: directory)
}

/// The error a text must fail with; records an issue when it parses.
func failure(
    _ yaml: String, directory: String = NSTemporaryDirectory(), sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigurationError? {
    do {
        _ = try GestaltConfiguration.parse(yaml: yaml, file: "x.yaml", directory: directory)
        Issue.record("parsed, but should have failed", sourceLocation: sourceLocation)
        return nil
    } catch {
        // `parse` throws only ConfigurationError (typed throws).
        return error
    }
}

/// A fresh directory that is removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gestalt-config-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
}
