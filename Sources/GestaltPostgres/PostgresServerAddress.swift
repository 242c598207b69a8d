import Foundation

/// One server to poll, read from a `postgres://user:password@host:port/database` URL.
/// Its `description` and `name` never hold the password: they go to logs,
/// the source status and entity ids.
package struct PostgresServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` (`allow` is not offered).
    package enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate.
        case require
        /// TLS with the certificate checked against the system's CAs and the host name.
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    /// The database the collector connects to.
    package var database: String
    package var tls: TLSMode

    /// `host:port`, `[::1]:5432` for IPv6: the server's part of entity ids.
    package var name: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    package var description: String { "postgres://\(user)@\(name)/\(database)" }

    package init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String? = nil,
        tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.tls = tls
    }

    /// Parses one configured URL. The error names what is wrong, never the URL
    /// itself, which may hold a password.
    package init(url: String) throws(PostgresSourceError) {
        guard let components = URLComponents(string: url) else {
            throw .configuration("a PostgreSQL URL does not parse as a URL")
        }
        guard let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw .configuration(
                "a PostgreSQL URL must start with postgres:// (got \(components.scheme ?? "no scheme"))")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .configuration("the PostgreSQL URL for user \(components.user ?? "?") has no host")
        }
        let host6 = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] where item.name == "sslmode" {
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw .configuration(
                    "sslmode=\(item.value ?? "") for \(host) is not one of disable, prefer, require, verify-full")
            }
            tls = mode
        }
        self.init(
            host: host6, port: components.port ?? 5432,
            // URLComponents decodes user, password and path already.
            user: components.user ?? "postgres",
            password: components.password,
            database: path.isEmpty ? nil : path,
            tls: tls
        )
    }
}
