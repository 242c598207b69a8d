/// A filtered view: an entity is visible when it matches every filter given;
/// a connection is visible when both its ends are.
package struct TopologyFilter: Sendable, Hashable {
    package var kinds: Set<EntityKind>?
    package var namespaces: Set<String>?
    package var labels: [String: String]
    /// The client's token's limits, on top of what it asked for.
    package var restriction: AccessRestriction

    package init(
        kinds: Set<EntityKind>? = nil, namespaces: Set<String>? = nil, labels: [String: String] = [:],
        restriction: AccessRestriction = .none
    ) {
        self.kinds = kinds
        self.namespaces = namespaces
        self.labels = labels
        self.restriction = restriction
    }

    package static let everything = TopologyFilter()

    package var isEverything: Bool { kinds == nil && namespaces == nil && labels.isEmpty && restriction.isNone }

    /// This filter within `restriction`: what the client asked for, and no more than its token allows.
    package func restricted(to restriction: AccessRestriction) -> TopologyFilter {
        var filter = self
        filter.restriction = restriction
        return filter
    }

    package func matches(_ entity: Entity) -> Bool {
        guard restriction.admits(entity) else { return false }
        if let kinds, !kinds.contains(entity.kind) { return false }
        if let namespaces {
            // A namespace entity belongs to its own namespace.
            let namespace = entity.namespace ?? (entity.kind == .namespace ? entity.name : nil)
            guard let namespace, namespaces.contains(namespace) else { return false }
        }
        for (key, value) in labels where entity.labels[key] != value { return false }
        return true
    }

    /// Builds a filter from query values; throws a message naming the bad value.
    /// - Parameters:
    ///   - kinds: comma-separated entity kinds.
    ///   - namespaces: comma-separated namespace names.
    ///   - labels: each `key=value`.
    package static func parse(
        kinds: String?, namespaces: String?, labels: [String]
    ) throws(FilterError) -> TopologyFilter {
        var filter = TopologyFilter()
        if let kinds {
            filter.kinds = try parseKinds(kinds, parameter: "kinds")
        }
        if let namespaces {
            let names = namespaces.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            guard !names.isEmpty else {
                throw FilterError("query parameter 'namespaces' is empty; give comma-separated namespace names")
            }
            filter.namespaces = Set(names)
        }
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw FilterError("query parameter 'label' must be key=value, got '\(label)'")
            }
            filter.labels[String(parts[0])] = String(parts[1])
        }
        return filter
    }

    package static func parseKinds(_ text: String, parameter: String) throws(FilterError) -> Set<EntityKind> {
        var kinds = Set<EntityKind>()
        for name in text.split(separator: ",").map({ $0.trimmingSpaces() }) where !name.isEmpty {
            guard let kind = EntityKind(rawValue: name) else {
                let known = EntityKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw FilterError("query parameter '\(parameter)' has unknown kind '\(name)'; known kinds: \(known)")
            }
            kinds.insert(kind)
        }
        guard !kinds.isEmpty else {
            throw FilterError("query parameter '\(parameter)' is empty; give comma-separated kinds")
        }
        return kinds
    }
}

/// A query value that does not describe a valid filter.
package struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
