import Foundation
import PackagePlugin

/// Embeds every file under the package's `ui/` folder into the target as one
/// generated Swift source, so the binary serves its UI from any directory.
@main
struct EmbedUI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let uiDirectory = context.package.directoryURL.appending(path: "ui")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedUI.swift")
        let inputs = Self.files(under: uiDirectory)
        return [
            .buildCommand(
                displayName: "Embedding ui/ (\(inputs.count) files)",
                executable: try context.tool(named: "ui-embedder").url,
                arguments: [uiDirectory.path(), output.path()],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private static func files(under directory: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        var result: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                result.append(url)
            }
        }
        return result.sorted { $0.path() < $1.path() }
    }
}
