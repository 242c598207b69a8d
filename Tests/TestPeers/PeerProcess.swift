package import Foundation

#if canImport(Glibc)
import Glibc
import Synchronization
#endif

/// A real server (nats-server, postgres, prometheus, dockerd) that a test
/// starts on 127.0.0.1 with a temp dir of its own, and stops. Tests wait for
/// it to accept connections; they never sleep a fixed time.
///
/// ```swift
/// let port = try PeerProcess.freePort()
/// let nats = try PeerProcess.start("nats-server", ["-a", "127.0.0.1", "-p", "\(port)"], name: "nats")
/// defer { nats.stop() }
/// try await nats.waitForPort(port)
/// ```
package final class PeerProcess: Sendable {
    package let name: String
    /// A fresh directory for the peer's data, removed by `stop()`.
    package let directory: URL
    private let process: Process
    private let logURL: URL

    private init(name: String, process: Process, directory: URL, logURL: URL) {
        self.name = name
        self.process = process
        self.directory = directory
        self.logURL = logURL
    }

    /// A new empty temp directory, for peers whose data dir must exist before start.
    package static func makeDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gestalt-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts `executable` (a path, or a name looked up on PATH and in the
    /// usual sbin/lib dirs). Fails at once, naming the binary, when it is missing:
    /// a test whose peer is not installed fails, it does not skip.
    package static func start(
        _ executable: String, _ arguments: [String], name: String, directory: URL? = nil,
        environment: [String: String]? = nil
    ) throws -> PeerProcess {
        let path = try locate(executable)
        let directory = try directory ?? makeDirectory(name)
        let logURL = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.currentDirectoryURL = directory
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        try process.run()
        let peer = PeerProcess(name: name, process: process, directory: directory, logURL: logURL)
        PeerLogs.running.withLock { $0[ObjectIdentifier(peer)] = peer }
        return peer
    }

    package var isRunning: Bool { process.isRunning }
    package var pid: Int32 { process.processIdentifier }
    /// The exit status (or signal) once it exited.
    package var exitStatus: Int32 { process.isRunning ? 0 : process.terminationStatus }

    /// What the peer printed so far, for failure messages.
    package var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`.
    package func waitForPort(_ port: Int, timeout: Duration = .seconds(30)) async throws {
        try await Self.waitUntil(timeout: timeout, "\(name) listening on \(port)") {
            guard self.process.isRunning else { throw PeerError("\(self.name) exited early:\n\(self.output)") }
            return Self.canConnect(port: port)
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`; removes the data dir unless `keepDirectory`.
    /// A peer that had already exited says so on stderr, with its log's last lines (`PeerLogs`).
    package func stop(grace: Duration = .seconds(10), keepDirectory: Bool = false) {
        let wasRunning = PeerLogs.running.withLock { $0.removeValue(forKey: ObjectIdentifier(self)) } != nil
        if wasRunning, !process.isRunning { PeerLogs.reportUnexpectedExit(self) }
        terminate(signal: SIGTERM, grace: grace)
        if !keepDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Kills with `signal` and waits for the exit (SIGKILL for crash tests).
    package func terminate(signal: Int32, grace: Duration = .seconds(10)) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// A TCP port nobody listens on now (bound to port 0 and released).
    package static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PeerError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw PeerError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    package static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The shared `waitUntil`, under the name gestalt-bench calls it by.
    package static func waitUntil(
        timeout: Duration = .seconds(30), _ what: String, fileID: String = #fileID, line: Int = #line,
        _ condition: () async throws -> Bool
    ) async throws {
        try await TestPeers.waitUntil(what, timeout: timeout, fileID: fileID, line: line, condition)
    }

    static func locate(_ executable: String) throws -> String {
        if executable.hasPrefix("/") {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw PeerError("\(executable) is not installed")
            }
            return executable
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs =
            path.split(separator: ":").map(String.init) + [
                "/usr/sbin", "/sbin", "/usr/bin", "/usr/lib/postgresql/15/bin",
            ]
        for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(executable)") {
            return "\(dir)/\(executable)"
        }
        throw PeerError("\(executable) is not installed (scripts/test installs it from Debian)")
    }
}

package struct PeerError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
