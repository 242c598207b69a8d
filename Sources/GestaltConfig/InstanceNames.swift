/// Names already given to instances of one kind, so a second use is an error
/// that points at both places.
struct InstanceNames {
    private var seen: [String: ConfigNode] = [:]

    mutating func claim(_ node: ConfigNode) throws -> String {
        let name = try node.instanceName()
        if let first = seen[name] {
            throw node.error("duplicate name \"\(name)\": already used at line \(first.line) (\(first.path))")
        }
        seen[name] = node
        return name
    }
}

extension ConfigMapping {
    /// The `name` of a list entry, which list forms require: it is what tells
    /// the instances apart in entity ids and in /api/infra/sources.
    func requiredName(_ names: inout InstanceNames, entry: String) throws -> String {
        guard let node = self["name"] else { throw missing("name", "every \(entry) needs a name") }
        return try names.claim(node)
    }

    /// The items of a list-of-instances key, which must not be empty when written.
    func instanceList(_ key: String, entry: String) throws -> [ConfigNode]? {
        guard let node = self[key] else { return nil }
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error("list at least one \(entry), or leave \(key) out") }
        return items
    }
}
