/// The part of the map one client may see, from its token: nil means no
/// limit on that axis. It is carried inside `TopologyFilter` and
/// `EventFilter`, so every view, stream and query that matches through a
/// filter applies it; a client's own filter can only narrow it further.
public struct AccessRestriction: Sendable, Hashable {
    public var namespaces: Set<String>?
    /// Source instance names: `prod` for `k8s@prod:…` ids (`kubernetes@prod`).
    public var clusters: Set<String>?

    public init(namespaces: Set<String>? = nil, clusters: Set<String>? = nil) {
        self.namespaces = namespaces
        self.clusters = clusters
    }

    public static let none = AccessRestriction()

    public var isNone: Bool { namespaces == nil && clusters == nil }

    public func admits(_ entity: Entity) -> Bool {
        if isNone { return true }
        let namespace = entity.namespace ?? (entity.kind == .namespace ? entity.name : nil)
        return admits(namespace: namespace, cluster: Self.cluster(ofID: entity.id))
    }

    /// An event carries only its entity's id, so the namespace and cluster
    /// are read from the id (`k8s@prod:pod/shop/api-1`); an id that does
    /// not say them is refused by a restriction on that axis.
    public func admits(_ event: InfraEvent) -> Bool {
        if isNone { return true }
        return admits(
            namespace: Self.namespace(ofID: event.entityID, kind: event.entityKind),
            cluster: Self.cluster(ofID: event.entityID))
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
    public static func cluster(ofID id: String) -> String? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        let prefix = id[..<colon]
        guard let at = prefix.firstIndex(of: "@") else { return nil }
        let name = prefix[prefix.index(after: at)...]
        return name.isEmpty ? nil : String(name)
    }

    /// The namespace in a Kubernetes-style id (`k8s…:kind/namespace/name`,
    /// or `k8s…:namespace/name` for a namespace itself); nil for other ids.
    public static func namespace(ofID id: String, kind: EntityKind) -> String? {
        guard id.hasPrefix("k8s"), let colon = id.firstIndex(of: ":") else { return nil }
        let parts = id[id.index(after: colon)...].split(separator: "/", omittingEmptySubsequences: false)
        if kind == .namespace, parts.count == 2 { return String(parts[1]) }
        guard parts.count == 3, !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }
}
