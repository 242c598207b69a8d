/// Why the PostgreSQL source could not do something. Each message is meant
/// for a log line and the source status: it names the server (`host:port`)
/// and the user, and never a password or a URL that could hold one.
package enum PostgresSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration cannot be used: a URL that does not parse, no URL at all.
    case configuration(String)
    /// Nothing answered at the address, or the connection broke.
    case unreachable(server: String, reason: String)
    /// The server refused the user: a wrong password, an unknown role, pg_hba.conf.
    case authentication(server: String, user: String, message: String)
    /// A monitoring query failed (a missing privilege, a server shutting down).
    case query(server: String, message: String)
    /// An answer the collector cannot read (a column of an unexpected type).
    case malformed(server: String, message: String)
    /// Every configured server failed in one poll; `run` throws this so the supervisor backs off.
    case allServersFailed([PostgresSourceError])

    package var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .unreachable(let server, let reason): "\(server): cannot connect (\(reason))"
        case .authentication(let server, let user, let message): "\(server): user \(user) refused: \(message)"
        case .query(let server, let message): "\(server): query failed: \(message)"
        case .malformed(let server, let message): "\(server): unexpected answer: \(message)"
        case .allServersFailed(let errors): errors.map(\.description).joined(separator: "; ")
        }
    }
}
