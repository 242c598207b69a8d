import Foundation

/// Where the cluster is, how to authenticate, and what to watch.
///
/// ```swift
/// let configuration = try KubernetesConfiguration.load(kubeconfigPath: nil, context: nil, namespaces: [])
/// ```
package struct KubernetesConfiguration: Sendable, Hashable {
    /// The API server URL, e.g. `https://10.0.0.1:6443`.
    package var server: String
    package var credentials: KubernetesCredentials
    /// PEM CA bundle to trust; nil trusts the system roots.
    package var certificateAuthorityPEM: [UInt8]?
    package var insecureSkipTLSVerify: Bool
    /// Namespaces to watch; empty watches the whole cluster.
    package var namespaces: [String]
    /// The kubeconfig context this came from, for logs and the source status.
    package var contextName: String?
    package var tuning: KubernetesTuning

    package init(
        server: String, credentials: KubernetesCredentials = KubernetesCredentials(),
        certificateAuthorityPEM: [UInt8]? = nil,
        insecureSkipTLSVerify: Bool = false, namespaces: [String] = [], contextName: String? = nil,
        tuning: KubernetesTuning = KubernetesTuning()
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.credentials = credentials
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.namespaces = namespaces
        self.contextName = contextName
        self.tuning = tuning
    }

    /// Loads the configuration the way kubectl finds it: the given file, else
    /// every file in `KUBECONFIG` (merged, first value wins), else
    /// `~/.kube/config`, else the in-cluster service account.
    package static func load(
        kubeconfigPath: String?, context: String?, namespaces: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubernetesError) -> KubernetesConfiguration {
        var configuration = try KubeconfigLoader(environment: environment).load(path: kubeconfigPath, context: context)
        configuration.namespaces = namespaces
        return configuration
    }

    /// The in-cluster configuration: `KUBERNETES_SERVICE_HOST`/`_PORT`, the
    /// mounted service-account token (re-read as it rotates) and CA.
    package static func inCluster(
        namespaces: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(KubernetesError) -> KubernetesConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw .configuration(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let tokenFile = "\(serviceAccountDirectory)/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw .configuration("in-cluster service-account token \(tokenFile) is missing or unreadable")
        }
        let ca = FileManager.default.contents(atPath: "\(serviceAccountDirectory)/ca.crt").map { [UInt8]($0) }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubernetesConfiguration(
            server: "https://\(hostPart):\(port)", credentials: KubernetesCredentials(tokenFile: tokenFile),
            certificateAuthorityPEM: ca, namespaces: namespaces, contextName: "in-cluster"
        )
    }
}
