package import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL 15 server (Debian's `postgresql-15`) for tests and
/// benchmarks: `initdb` in a temp dir, `postgres` on 127.0.0.1 on a free port,
/// its unix socket in the same dir. PostgreSQL refuses to run as root, so
/// when the tests run as root both run as the `postgres` user through
/// `setpriv` (which execs, so signals reach the server itself).
///
/// Authentication: the superuser `postgres` is trusted (over TCP and the
/// socket); every other role must give its password (scram-sha-256).
///
/// ```swift
/// let server = try await PostgresServer.start(maxConnections: 20)
/// defer { server.shutdown() }
/// try server.psql("CREATE DATABASE shop")
/// let url = server.url(database: "shop")   // postgres://postgres@127.0.0.1:<port>/shop
/// ```
package final class PostgresServer: Sendable {
    package static let binaries = "/usr/lib/postgresql/15/bin"

    package let port: Int
    /// The temp dir: `data/` (the cluster), the socket, the server's log.
    package let directory: URL
    package let maxConnections: Int
    private let settings: [String: String]
    private let process = Mutex<PeerProcess?>(nil)

    private init(port: Int, directory: URL, maxConnections: Int, settings: [String: String]) {
        self.port = port
        self.directory = directory
        self.maxConnections = maxConnections
        self.settings = settings
    }

    /// Creates a cluster and starts the server; returns once it accepts queries.
    /// `settings` are extra `-c name=value` (e.g. `shared_preload_libraries`).
    package static func start(
        name: String = "postgres", maxConnections: Int = 20, settings: [String: String] = [:]
    ) async throws -> PostgresServer {
        let directory = try PeerProcess.makeDirectory(name)
        if getuid() == 0 {
            try FileManager.default.setAttributes(
                [.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: directory.path
            )
        }
        let server = PostgresServer(
            port: try PeerProcess.freePort(), directory: directory, maxConnections: maxConnections, settings: settings)
        let data = directory.appendingPathComponent("data").path
        try server.runToEnd(
            "\(binaries)/initdb",
            ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        let hba = """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host replication postgres 127.0.0.1/32 trust
            host all all 127.0.0.1/32 scram-sha-256

            """
        try hba.write(toFile: "\(data)/pg_hba.conf", atomically: false, encoding: .utf8)
        try await server.start()
        return server
    }

    /// A streaming replica of `primary`: `pg_basebackup -R` (a base backup
    /// that writes `primary_conninfo` and `standby.signal`) into a temp dir,
    /// then a server on it on a free port; returns once it accepts queries.
    package static func startReplica(
        of primary: PostgresServer, name: String = "postgres-replica"
    ) async throws -> PostgresServer {
        let directory = try PeerProcess.makeDirectory(name)
        if getuid() == 0 {
            try FileManager.default.setAttributes(
                [.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: directory.path
            )
        }
        let replica = PostgresServer(
            port: try PeerProcess.freePort(), directory: directory, maxConnections: primary.maxConnections,
            settings: primary.settings
        )
        try replica.runToEnd(
            "\(binaries)/pg_basebackup",
            [
                "-D", directory.appendingPathComponent("data").path, "-R", "-X", "stream", "--no-sync",
                "-h", "127.0.0.1", "-p", "\(primary.port)", "-U", "postgres",
            ])
        try await replica.start()
        return replica
    }

    /// `postgres://user[:password]@127.0.0.1:<port>/database`.
    package func url(user: String = "postgres", password: String? = nil, database: String = "postgres") -> String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        return "postgres://\(credentials)@127.0.0.1:\(port)/\(database)"
    }

    package var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Starts the server on its cluster (again, after `stop`), on the same port.
    package func start() async throws {
        var arguments = [
            "-D", directory.appendingPathComponent("data").path, "-p", "\(port)", "-k", directory.path,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=\(maxConnections)", "-c", "fsync=off",
        ]
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { arguments += ["-c", "\(name)=\(value)"] }
        let (executable, all) = asPostgres("\(Self.binaries)/postgres", arguments)
        let peer = try PeerProcess.start(executable, all, name: "postgres", directory: directory)
        process.withLock { $0 = peer }
        try await PeerProcess.waitUntil("postgres on \(port) accepting queries") {
            guard peer.isRunning else { throw PeerError("postgres exited early:\n\(peer.output)") }
            return
                (try? self.runToEnd(
                    "\(Self.binaries)/pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(self.port)"], asPostgres: false))
                != nil
        }
    }

    /// Fast shutdown (SIGINT: sessions are ended, not waited for); the cluster stays for `start`.
    package func stop() {
        let peer = process.withLock { peer in
            defer { peer = nil }; return peer
        }
        peer?.terminate(signal: SIGINT)
    }

    /// Stops the server and removes its directory.
    package func shutdown() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs SQL as the superuser through `psql` and returns its unaligned, tuples-only output.
    @discardableResult
    package func psql(_ sql: String, database: String = "postgres") throws -> String {
        try runToEnd(
            "\(Self.binaries)/psql",
            [
                "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres",
                "-d", database, "-c", sql,
            ],
            asPostgres: false
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What the server logged, for failure messages.
    package var log: String { process.withLock { $0?.output } ?? "" }

    private func asPostgres(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard getuid() == 0 else { return (executable, arguments) }
        return (
            "/usr/bin/setpriv",
            ["--reuid=postgres", "--regid=postgres", "--clear-groups", "--", executable] + arguments
        )
    }

    /// Runs a tool to its end; throws with its output when it fails.
    @discardableResult
    private func runToEnd(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerError("\(executable) is not installed (Debian's postgresql-15)")
        }
        let (path, all) = asPostgres ? self.asPostgres(executable, arguments) : (executable, arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = all
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError(
                "\((executable as NSString).lastPathComponent) failed (\(process.terminationStatus)): \(output)")
        }
        return output
    }
}
