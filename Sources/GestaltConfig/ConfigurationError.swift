/// Why a configuration file was refused: one message that names the file,
/// the line and column, and the key path, so the fix is one jump away.
///
/// ```
/// config/x.yaml:12:5: collectors.docker.poll_interval: expected a number of seconds, got "fast"
/// ```
package struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as it was named when loaded (`<config>` for a string).
    package var file: String
    /// Line of the offending node, from 1; 0 when the file could not be read at all.
    package var line: Int
    /// Column of the offending node, from 1; 0 when the file could not be read at all.
    package var column: Int
    /// Dotted path of the key, with `[i]` for list items: `collectors.kubernetes.clusters[1].name`.
    /// Empty for errors about the file itself (syntax, encoding).
    package var keyPath: String
    /// What is wrong, in words.
    package var message: String

    package init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    package var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}
