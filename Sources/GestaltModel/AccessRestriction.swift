/// The part of the map one client may see, from its token: nil means no
/// limit on that axis. It is carried inside `TopologyFilter` and
/// `EventFilter`, so every view, stream and query that matches through a
/// filter applies it; a client's own filter can only narrow it further.
package struct AccessRestriction: Sendable, Hashable {
    package var namespaces: Set<String>?
    /// Source instance names: `prod` for `k8s@prod:…` ids (`kubernetes@prod`).
    package var clusters: Set<String>?

    package init(namespaces: Set<String>? = nil, clusters: Set<String>? = nil) {
        self.namespaces = namespaces
        self.clusters = clusters
    }

    package static let none = AccessRestriction()

    package var isNone: Bool { namespaces == nil && clusters == nil }

    package func admits(_ entity: Entity) -> Bool {
        if isNone { return true }
        return admits(namespace: Self.namespace(of: entity), cluster: Self.cluster(ofID: entity.id))
    }

    /// An event is judged by its involved entity: the namespace the store
    /// stamped on it from that entity (`entityNamespace`), else the one its
    /// id says (`k8s@prod:pod/shop/api-1`); the cluster is the entity id's
    /// instance name, as for the entity itself.
    package func admits(_ event: InfraEvent) -> Bool {
        if isNone { return true }
        return admits(
            namespace: event.entityNamespace ?? Self.namespace(ofID: event.entityID, kind: event.entityKind),
            cluster: Self.cluster(ofID: event.entityID))
    }

    /// An entity known only by its id (one no longer in the map, for
    /// history's metrics): judged by what the id says.
    package func admits(entityID id: String) -> Bool {
        if isNone { return true }
        let kind: EntityKind = id.contains(":namespace/") ? .namespace : .custom
        return admits(namespace: Self.namespace(ofID: id, kind: kind), cluster: Self.cluster(ofID: id))
    }

    /// The namespace an entity belongs to; a namespace's is its own name.
    package static func namespace(of entity: Entity) -> String? {
        entity.namespace ?? (entity.kind == .namespace ? entity.name : nil)
    }

    func admits(namespace: String?, cluster: String?) -> Bool {
        if let namespaces {
            guard let namespace, namespaces.contains(namespace) else { return false }
        }
        if let clusters {
            guard let cluster, clusters.contains(cluster) else { return false }
        }
        return true
    }

    /// The instance name in an id's prefix: `prod` in `k8s@prod:pod/a/b`; nil without one.
    package static func cluster(ofID id: String) -> String? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        let prefix = id[..<colon]
        guard let at = prefix.firstIndex(of: "@") else { return nil }
        let name = prefix[prefix.index(after: at)...]
        return name.isEmpty ? nil : String(name)
    }

    /// The namespace in a Kubernetes-style id (`k8s…:kind/namespace/name`,
    /// or `k8s…:namespace/name` for a namespace itself); nil for other ids.
    package static func namespace(ofID id: String, kind: EntityKind) -> String? {
        guard id.hasPrefix("k8s"), let colon = id.firstIndex(of: ":") else { return nil }
        let parts = id[id.index(after: colon)...].split(separator: "/", omittingEmptySubsequences: false)
        if kind == .namespace, parts.count == 2 { return String(parts[1]) }
        guard parts.count == 3, !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }
}
