/// How the source proves who it is to the API server.
package struct KubernetesCredentials: Sendable, Hashable {
    /// A fixed bearer token.
    package var token: String?
    /// A file holding the bearer token, re-read periodically (service-account tokens rotate).
    package var tokenFile: String?
    /// A PEM client certificate and key for mutual TLS.
    package var clientCertificatePEM: [UInt8]?
    package var clientKeyPEM: [UInt8]?
    /// Basic auth, still found in old kubeconfigs.
    package var username: String?
    package var password: String?
    /// An exec credential plugin (`users[].user.exec`).
    package var exec: ExecPlugin?

    package struct ExecPlugin: Sendable, Hashable {
        package var command: String
        package var arguments: [String]
        package var environment: [String: String]

        package init(command: String, arguments: [String] = [], environment: [String: String] = [:]) {
            self.command = command
            self.arguments = arguments
            self.environment = environment
        }
    }

    package init(
        token: String? = nil, tokenFile: String? = nil, clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil,
        username: String? = nil, password: String? = nil, exec: ExecPlugin? = nil
    ) {
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.username = username
        self.password = password
        self.exec = exec
    }
}
