/// How the source proves who it is to the API server.
public struct KubernetesCredentials: Sendable, Hashable {
    /// A fixed bearer token.
    public var token: String?
    /// A file holding the bearer token, re-read periodically (service-account tokens rotate).
    public var tokenFile: String?
    /// A PEM client certificate and key for mutual TLS.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// Basic auth, still found in old kubeconfigs.
    public var username: String?
    public var password: String?
    /// An exec credential plugin (`users[].user.exec`).
    public var exec: ExecPlugin?

    public struct ExecPlugin: Sendable, Hashable {
        public var command: String
        public var arguments: [String]
        public var environment: [String: String]

        public init(command: String, arguments: [String] = [], environment: [String: String] = [:]) {
            self.command = command
            self.arguments = arguments
            self.environment = environment
        }
    }

    public init(
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
