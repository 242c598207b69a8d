import Foundation
import Yams

/// Finds and reads kubeconfig files as kubectl does, and resolves one context
/// into a `KubernetesConfiguration`.
struct KubeconfigLoader {
    var environment: [String: String]

    /// One named entry and the directory of the file it came from, since
    /// relative paths in a kubeconfig are relative to that file.
    private struct Sourced<Value> {
        var value: Value
        var directory: String
    }

    private struct Merged {
        var clusters: [String: Sourced<Kubeconfig.Cluster>] = [:]
        var users: [String: Sourced<Kubeconfig.User>] = [:]
        var contexts: [String: Kubeconfig.Context] = [:]
        var currentContext: String?
    }

    func load(path: String?, context requested: String?) throws(KubernetesError) -> KubernetesConfiguration {
        let files = try kubeconfigFiles(explicit: path)
        if files.isEmpty {
            do {
                return try KubernetesConfiguration.inCluster(environment: environment)
            } catch {
                throw .configuration(
                    "no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) and not in a cluster")
            }
        }
        var merged = Merged()
        for file in files {
            // kubectl: the first file to set a value wins.
            let config = try read(file)
            let directory = (file as NSString).deletingLastPathComponent
            for entry in config.clusters ?? [] where merged.clusters[entry.name] == nil {
                if let value = entry.value { merged.clusters[entry.name] = Sourced(value: value, directory: directory) }
            }
            for entry in config.users ?? [] where merged.users[entry.name] == nil {
                merged.users[entry.name] = Sourced(value: entry.value ?? Kubeconfig.User(), directory: directory)
            }
            for entry in config.contexts ?? [] where merged.contexts[entry.name] == nil {
                if let value = entry.value { merged.contexts[entry.name] = value }
            }
            if merged.currentContext == nil, let current = config.currentContext, !current.isEmpty {
                merged.currentContext = current
            }
        }
        let names = files.joined(separator: ":")
        guard let contextName = requested ?? merged.currentContext else {
            throw .configuration(
                "\(names) sets no current-context; pass --context (known: \(merged.contexts.keys.sorted().joined(separator: ", ")))"
            )
        }
        guard let context = merged.contexts[contextName] else {
            throw .configuration(
                "context \"\(contextName)\" is not in \(names) (known: \(merged.contexts.keys.sorted().joined(separator: ", ")))"
            )
        }
        guard let cluster = merged.clusters[context.cluster], let server = cluster.value.server, !server.isEmpty else {
            throw .configuration(
                "context \"\(contextName)\" names cluster \"\(context.cluster)\", which has no server in \(names)")
        }
        var configuration = KubernetesConfiguration(server: server, contextName: contextName)
        configuration.insecureSkipTLSVerify = cluster.value.insecureSkipTLSVerify ?? false
        configuration.certificateAuthorityPEM = try pem(
            data: cluster.value.certificateAuthorityData, file: cluster.value.certificateAuthority,
            directory: cluster.directory, what: "certificate-authority"
        )
        if let userName = context.user {
            guard let user = merged.users[userName] else {
                throw .configuration("context \"\(contextName)\" names user \"\(userName)\", which is not in \(names)")
            }
            configuration.credentials = try credentials(user.value, directory: user.directory)
        }
        return configuration
    }

    private func credentials(
        _ user: Kubeconfig.User, directory: String
    ) throws(KubernetesError) -> KubernetesCredentials {
        var credentials = KubernetesCredentials(token: user.token, username: user.username, password: user.password)
        credentials.tokenFile = user.tokenFile.map { resolve($0, in: directory) }
        credentials.clientCertificatePEM = try pem(
            data: user.clientCertificateData, file: user.clientCertificate, directory: directory,
            what: "client-certificate"
        )
        credentials.clientKeyPEM = try pem(
            data: user.clientKeyData, file: user.clientKey, directory: directory, what: "client-key")
        if let exec = user.exec {
            credentials.exec = .init(
                command: exec.command, arguments: exec.args ?? [],
                environment: Dictionary(
                    (exec.env ?? []).map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            )
        }
        return credentials
    }

    /// Inline base64 data wins over a file, as in client-go.
    private func pem(data: String?, file: String?, directory: String, what: String) throws(KubernetesError) -> [UInt8]?
    {
        if let data, !data.isEmpty {
            guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw .configuration("\(what)-data is not valid base64")
            }
            return [UInt8](decoded)
        }
        guard let file, !file.isEmpty else { return nil }
        let path = resolve(file, in: directory)
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read \(what) file \(path)")
        }
        return [UInt8](contents)
    }

    private func resolve(_ path: String, in directory: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : (directory as NSString).appendingPathComponent(expanded)
    }

    private func kubeconfigFiles(explicit: String?) throws(KubernetesError) -> [String] {
        if let explicit {
            let path = (explicit as NSString).expandingTildeInPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw .configuration("kubeconfig \(path) does not exist")
            }
            return [path]
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            // kubectl skips entries that do not exist.
            let files = list.split(separator: ":").map { (String($0) as NSString).expandingTildeInPath }
                .filter { FileManager.default.fileExists(atPath: $0) }
            if !files.isEmpty { return files }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let standard = "\(home)/.kube/config"
        return FileManager.default.fileExists(atPath: standard) ? [standard] : []
    }

    private func read(_ file: String) throws(KubernetesError) -> Kubeconfig {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else {
            throw .configuration("cannot read kubeconfig \(file)")
        }
        do {
            return try YAMLDecoder().decode(Kubeconfig.self, from: text)
        } catch {
            throw .configuration("kubeconfig \(file) is not valid: \(error)")
        }
    }
}
