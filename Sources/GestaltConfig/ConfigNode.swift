import Foundation
import Yams

/// One node of the parsed file with its key path and position, and typed
/// reads that fail with a `ConfigurationError` naming both.
///
/// Reading through Yams' `Node` rather than `Codable` is what keeps a line and
/// column for every value and lets a mapping know which keys it did not expect.
struct ConfigNode {
    let node: Node
    /// `collectors.docker.hosts[0].socket`; empty for the document root.
    let path: String
    let file: ConfigFile

    init(node: Node, path: String, file: ConfigFile) {
        self.node = node
        self.path = path
        self.file = file
    }

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file.name, line: line, column: column, keyPath: path, message: message)
    }

    /// The resolved tag: what a plain scalar reads as (int, float, bool, null, str).
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// A `null`, `~` or empty plain value: the key's default.
    var isNull: Bool {
        guard case .scalar = node else { return false }
        return tagName == .null
    }

    /// How the value reads back in an error: strings quoted, other scalars as written.
    var written: String {
        switch node {
        case .scalar(let scalar):
            if isNull { return "null" }
            return tagName == .str ? "\"\(scalar.string)\"" : scalar.string
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func expected(_ what: String) -> ConfigurationError {
        error("expected \(what), got \(written)")
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Structure

    /// The node as a mapping whose keys must all be among `keys`; an unknown
    /// key is an error at that key, with the closest known key suggested.
    /// A null node (`nats:` with nothing after it) reads as an empty mapping: all defaults.
    func mapping(keys: [String]) throws -> ConfigMapping {
        if isNull { return ConfigMapping(node: self, entries: [:]) }
        guard case .mapping(let mapping) = node else { throw expected("a mapping") }
        var entries: [String: ConfigMapping.Entry] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode, !scalar.string.isEmpty else {
                throw ConfigNode(node: keyNode, path: path, file: file).error("keys must be plain words")
            }
            let key = scalar.string
            let keyAt = ConfigNode(node: keyNode, path: childPath(key), file: file)
            // Yams composes `<<: *anchor` as a plain key; merging it here would
            // lose the lines of the merged values, so it is refused by name.
            if key == "<<" { throw keyAt.error("merge keys (<<) are not supported: write the keys out") }
            guard keys.contains(key) else {
                throw keyAt.error("unknown key\(Suggestion.hint(for: key, in: keys))")
            }
            entries[key] = .init(key: keyAt, value: ConfigNode(node: valueNode, path: childPath(key), file: file))
        }
        return ConfigMapping(node: self, entries: entries)
    }

    /// The node as a list; a single scalar is not promoted (a list was meant).
    func sequence() throws -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw expected("a list") }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    // MARK: Scalars

    /// Any non-null scalar as written: `name: 2024` is the string "2024".
    func string(_ what: String = "a string") throws -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw expected(what) }
        return scalar.string
    }

    func nonEmptyString(_ what: String = "a non-empty string") throws -> String {
        let value = try string(what)
        guard !value.isEmpty else { throw expected(what) }
        return value
    }

    func bool() throws -> Bool {
        guard tagName == .bool, let value = node.bool else { throw expected("true or false") }
        return value
    }

    /// A number written as a number: a quoted "5" is a string, and refused like "fast".
    func number(_ what: String) throws -> Double {
        let name = tagName
        guard name == .int || name == .float, let value = node.float, value.isFinite else { throw expected(what) }
        return value
    }

    func integer(_ what: String) throws -> Int {
        guard tagName == .int, let value = node.int else { throw expected(what) }
        return value
    }

    /// One of a fixed set of words, with a suggestion when it is a near miss.
    func choice(_ options: [String]) throws -> String {
        let value = try string("one of \(options.joined(separator: ", "))")
        guard options.contains(value) else {
            throw error(
                "expected one of \(options.joined(separator: ", ")), got \(written)\(Suggestion.hint(for: value, in: options))"
            )
        }
        return value
    }

    /// A list of strings; a lone string is refused so `namespaces: default` is not read as a list.
    func stringList(_ what: String = "a list of strings") throws -> [String] {
        guard case .sequence = node else { throw expected(what) }
        return try sequence().map { try $0.nonEmptyString("a non-empty string") }
    }
}

/// A mapping whose keys have been checked; reads its values by key.
struct ConfigMapping {
    struct Entry {
        let key: ConfigNode
        let value: ConfigNode
    }

    let node: ConfigNode
    let entries: [String: Entry]

    /// The value of `key`, or nil when it is absent or null (null means "the default").
    subscript(_ key: String) -> ConfigNode? {
        guard let entry = entries[key], !entry.value.isNull else { return nil }
        return entry.value
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// A section's node even when it is null: writing `docker:` alone turns the source on with its defaults.
    func section(_ key: String) -> ConfigNode? { entries[key]?.value }

    /// An error about a key that should be there and is not, placed at the mapping.
    func missing(_ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(
            file: node.file.name, line: node.line, column: node.column, keyPath: node.childPath(key), message: message)
    }

    /// `enabled`, which defaults to true: writing a section means wanting it.
    func enabled() throws -> Bool { try self["enabled"]?.bool() ?? true }
}

/// The file being read: its name for messages, and the directory relative paths start from.
struct ConfigFile {
    let name: String
    let directory: String
}
