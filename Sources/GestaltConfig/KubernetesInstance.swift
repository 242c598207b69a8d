import Yams

/// One Kubernetes cluster to watch.
///
/// The plan's single form (`collectors.kubernetes.kubeconfig`) is one unnamed
/// instance; `collectors.kubernetes.clusters` gives several named ones, each
/// taking what it does not set from the section.
package struct KubernetesInstance: Sendable, Hashable {
    /// How the source authenticates to the API server.
    package enum Credentials: Sendable, Hashable {
        /// The pod's service account (`kubeconfig: null`, the plan's meaning).
        case inCluster
        /// A kubeconfig file, as an absolute path that was readable when the file was checked.
        case kubeconfig(path: String)
    }

    /// Nil for the plan's single unnamed instance.
    package var name: String?
    package var credentials: Credentials
    /// Kubeconfig context; nil means the file's current context.
    package var context: String?
    /// Namespaces to watch; empty means all.
    package var namespaces: [String]
    package var pollInterval: Duration

    package init(
        name: String? = nil, credentials: Credentials = .inCluster, context: String? = nil,
        namespaces: [String] = [], pollInterval: Duration = .seconds(5)
    ) {
        self.name = name
        self.credentials = credentials
        self.context = context
        self.namespaces = namespaces
        self.pollInterval = pollInterval
    }
}

extension KubernetesInstance {
    static let sectionKeys = ["enabled", "kubeconfig", "context", "namespaces", "poll_interval", "clusters"]
    static let clusterKeys = ["name", "kubeconfig", "context", "namespaces", "poll_interval"]

    /// The instances of `collectors.kubernetes`; none when it is disabled.
    static func read(_ node: ConfigNode) throws -> [KubernetesInstance] {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        // A disabled source need not be reachable, so its files are not checked.
        let defaults = try read(section, over: KubernetesInstance(), checkFiles: enabled)
        guard let items = try section.instanceList("clusters", entry: "cluster") else {
            return enabled ? [defaults] : []
        }
        var names = InstanceNames()
        var clusters: [KubernetesInstance] = []
        for item in items {
            let entry = try item.mapping(keys: clusterKeys)
            var cluster = try read(entry, over: defaults, checkFiles: enabled)
            cluster.name = try entry.requiredName(&names, entry: "cluster")
            clusters.append(cluster)
        }
        return enabled ? clusters : []
    }

    private static func read(
        _ entry: ConfigMapping, over base: KubernetesInstance, checkFiles: Bool
    ) throws -> KubernetesInstance {
        var instance = base
        if let node = entry["kubeconfig"] {
            instance.credentials = .kubeconfig(path: checkFiles ? try node.readableFile() : try node.filePath())
        }
        if let node = entry["context"] {
            instance.context = try node.nonEmptyString("a context name")
            if instance.credentials == .inCluster {
                throw node.error(
                    "a context needs a kubeconfig (kubeconfig: null means in-cluster, which has no contexts)")
            }
        }
        if let node = entry["namespaces"] {
            guard case .sequence = node.node else { throw node.expected("a list of namespaces") }
            instance.namespaces = try node.sequence().map { try $0.namespace() }
        }
        if let node = entry["poll_interval"] { instance.pollInterval = try node.pollInterval() }
        return instance
    }
}
