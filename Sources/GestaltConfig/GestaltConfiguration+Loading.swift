import Foundation
import Yams

extension GestaltConfiguration {
    /// Reads and validates the file at `path`. Relative paths inside it
    /// (kubeconfig, data_dir) are taken from the file's directory.
    package static func load(path: String) throws(ConfigurationError) -> GestaltConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ConfigurationError(file: path, line: 0, column: 0, keyPath: "", message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: 0, column: 0, keyPath: "", message: "not UTF-8 text")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, directory: directory)
    }

    /// Reads and validates YAML text. `file` names it in errors; relative
    /// paths are taken from `directory` (the working directory by default).
    package static func parse(
        yaml: String, file: String = "<config>", directory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> GestaltConfiguration {
        let source = ConfigFile(name: file, directory: directory)
        do {
            let root = try Yams.compose(yaml: yaml).map { ConfigNode(node: $0, path: "", file: source) }
            return try read(root)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw ConfigurationError(yaml: error, file: file)
        } catch {
            throw ConfigurationError(file: file, line: 0, column: 0, keyPath: "", message: "\(error)")
        }
    }
}

extension ConfigurationError {
    /// A syntax error from libyaml, at its mark, in one line (Yams' own
    /// description repeats the whole document for duplicate keys).
    init(yaml error: YamlError, file: String) {
        func located(_ mark: Mark, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: mark.line, column: mark.column, keyPath: "", message: message)
        }
        func syntax(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> ConfigurationError {
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return located(mark, "invalid YAML: \(problem)\(while_)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            self = syntax(context, problem, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            self = located(context.mark, "duplicate key \(keys) in one mapping")
        case .reader(let problem, let offset, _, let yaml):
            let prefix = offset.map { yaml.utf8.prefix($0) } ?? yaml.utf8.prefix(0)
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column =
                prefix.count
                - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 }
                    ?? 0) + 1
            self = ConfigurationError(
                file: file, line: line, column: column, keyPath: "", message: "unreadable YAML: \(problem)")
        default:
            self = ConfigurationError(file: file, line: 0, column: 0, keyPath: "", message: "invalid YAML: \(error)")
        }
    }
}
