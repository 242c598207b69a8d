package import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// Keeps one connection to one server and takes samples through it. A
/// broken connection is dropped and the next sample connects again; every
/// failure comes out as a `PostgresSourceError` naming the server.
package actor ServerProbe {
    package nonisolated let address: PostgresServerAddress
    private let allowQueryText: Bool
    private let queryTextLimit: Int
    private let connectTimeout: Duration
    private let sizeInterval: Duration
    /// Sizes change slowly and cost the most to read: they are read every
    /// `sizeInterval` and repeated from here in between.
    private var sizes: [String: Int64] = [:]
    private var sizesReadAt: ContinuousClock.Instant?
    private let logger: Logger
    private var connection: PostgresConnection?
    private var nextConnectionID = 0
    /// Statements sent since the probe was made, for the benchmark.
    package private(set) var statements = 0

    package init(
        address: PostgresServerAddress, allowQueryText: Bool, queryTextLimit: Int, connectTimeout: Duration,
        sizeInterval: Duration = .zero, logger: Logger
    ) {
        self.address = address
        self.sizeInterval = sizeInterval
        self.allowQueryText = allowQueryText
        self.queryTextLimit = queryTextLimit
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// Reads one sample, connecting first when there is no open connection.
    /// A kept connection that turns out broken (the server restarted since
    /// the last sample) gets one retry on a new one, so the error, if any,
    /// says what is wrong now.
    package func sample() async throws(PostgresSourceError) -> ServerSample {
        let reused = connection.map { !$0.isClosed } ?? false
        do {
            return try await attempt()
        } catch {
            guard reused, case .unreachable = error else { throw error }
            return try await attempt()
        }
    }

    private func attempt() async throws(PostgresSourceError) -> ServerSample {
        let connection = try await openConnection()
        do {
            return try await read(from: connection)
        } catch {
            // Whatever broke, the next sample starts on a fresh connection.
            self.connection = nil
            try? await connection.close()
            throw classify(error)
        }
    }

    package func close() async {
        guard let connection else { return }
        self.connection = nil
        try? await connection.close()
    }

    private func openConnection() async throws(PostgresSourceError) -> PostgresConnection {
        if let connection {
            if !connection.isClosed { return connection }
            // Closed by the server: closing it here too lets it go cleanly.
            self.connection = nil
            try? await connection.close()
        }
        nextConnectionID += 1
        do {
            var configuration = PostgresConnection.Configuration(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: address.database, tls: try tls()
            )
            configuration.options.connectTimeout = .nanoseconds(
                Int64(connectTimeout.components.seconds) * 1_000_000_000
                    + connectTimeout.components.attoseconds / 1_000_000_000)
            // Named, so the server's own views and logs tell the collector apart.
            configuration.options.additionalStartupParameters = [("application_name", "gestalt")]
            let opened = try await PostgresConnection.connect(
                configuration: configuration, id: nextConnectionID, logger: logger)
            connection = opened
            return opened
        } catch {
            throw classify(error)
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch address.tls {
        case .disable:
            return .disable
        case .prefer:
            configuration.certificateVerification = .none
            return .prefer(try NIOSSLContext(configuration: configuration))
        case .require:
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: configuration))
        }
    }

    private func read(from connection: PostgresConnection) async throws -> ServerSample {
        let takenAt = ContinuousClock.now
        statements += 1
        var server: ServerSample?
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: SampleQueries.server), logger: logger)
        {
            let (
                version, inRecovery, maxConnections, reserved, backends, replicas, lagSeconds, lagBytes, replay,
                replayBytes, upstream
            ) =
                try row.decode(
                    (String, Bool, Int64, Int64, Int64, Int64, Double?, Double?, Double?, Double?, String?).self)
            server = ServerSample(
                takenAt: takenAt, version: version, inRecovery: inRecovery, maxConnections: maxConnections,
                reservedConnections: reserved, clientBackends: backends, replicas: replicas,
                replicationLagSeconds: lagSeconds, replicationLagBytes: lagBytes, databases: []
            )
            server?.replayDelaySeconds = replay
            server?.replayLagBytes = replayBytes
            server?.upstream = upstream
        }
        guard var sample = server else {
            throw PostgresSourceError.malformed(server: address.name, message: "the server query returned no row")
        }

        statements += 1
        let readSizes = sizesReadAt.map { takenAt - $0 >= sizeInterval } ?? true
        var sizes: [String: Int64] = [:]
        let query = PostgresQuery(unsafeSQL: SampleQueries.databases(withSizes: readSizes))
        for try await row in try await connection.query(query, logger: logger) {
            let (name, size, transactions, hit, read, backends, active, idle, slowest) = try row.decode(
                (String, Int64?, Int64, Int64, Int64, Int64, Int64, Int64, Double?).self
            )
            sizes[name] = readSizes ? size : self.sizes[name]
            sample.databases.append(
                DatabaseSample(
                    name: name, sizeBytes: sizes[name], transactions: transactions, blocksHit: hit, blocksRead: read,
                    backends: backends, active: active, idleInTransaction: idle, slowestQuerySeconds: slowest
                ))
        }

        self.sizes = sizes
        if readSizes { sizesReadAt = takenAt }

        statements += 1
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: SampleQueries.clients), logger: logger)
        {
            let (database, application, address, backends) = try row.decode((String, String, String?, Int64).self)
            sample.clients.append(
                ClientSample(database: database, applicationName: application, address: address, backends: backends))
        }

        if allowQueryText {
            statements += 1
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: SampleQueries.slowestTexts), logger: logger)
            {
                let (database, text) = try row.decode((String, String?).self)
                guard let text else { continue }
                sample.queryTexts[database] = QueryTextScrubber.scrub(text, limit: queryTextLimit)
            }
        }
        return sample
    }

    /// A message for people: the server's own words for what it refused, the
    /// transport's for what broke. `PSQLError.description` is deliberately
    /// generic, so the parts are read one by one; none holds the password.
    private func classify(_ error: any Error) -> PostgresSourceError {
        if let error = error as? PostgresSourceError { return error }
        let server = address.name
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "error"
                let state = info[.sqlState] ?? ""
                // Class 28: invalid authorization (bad password, unknown role, pg_hba.conf).
                if state.hasPrefix("28") {
                    return .authentication(server: server, user: address.user, message: message)
                }
                // Class 57: operator intervention (shutting down, starting up, too many connections is 53300).
                if state.hasPrefix("57") || state == "53300" {
                    return .unreachable(server: server, reason: message)
                }
                return .query(server: server, message: "\(message) (SQLSTATE \(state))")
            }
            switch error.code {
            case .connectionError:
                return .unreachable(
                    server: server, reason: error.underlying.map(Self.transportReason) ?? "connection error")
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return .unreachable(server: server, reason: "the connection was closed")
            case .sslUnsupported:
                return .unreachable(server: server, reason: "the server does not offer TLS, which sslmode requires")
            case .authMechanismRequiresPassword:
                return .authentication(
                    server: server, user: address.user, message: "the server asks for a password and the URL has none")
            case .unsupportedAuthMechanism, .saslError:
                return .authentication(
                    server: server, user: address.user, message: "authentication failed (\(error.code))")
            default:
                return .query(server: server, message: "\(error.code)")
            }
        }
        if let error = error as? PostgresDecodingError {
            return .malformed(server: server, message: "column \(error.columnName): \(error.code)")
        }
        if error is CancellationError { return .unreachable(server: server, reason: "cancelled") }
        return .unreachable(server: server, reason: Self.transportReason(error))
    }

    /// `connection refused`, `timed out`, `cannot resolve the host`: what NIO's
    /// nested connection errors come to, in the words of a person.
    private static func transportReason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let last = error.connectionErrors.last { return transportReason(last.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve \(error.host)" }
            return "no address for \(error.host)"
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ChannelError, case .connectTimeout = error { return "timed out" }
        return "\(error)"
    }
}
