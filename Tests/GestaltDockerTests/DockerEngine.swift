import Foundation
import TestPeers

#if canImport(Glibc)
import Glibc
#endif

/// A real dockerd of its own for one test: no iptables, no bridge, vfs
/// storage, everything under one short temp dir (unix socket paths are
/// limited to 107 bytes), and a busybox image imported from the host's
/// busybox-static, so no registry is needed.
final class DockerEngine: Sendable {
    static let image = "gestalt-test/busybox"
    let directory: URL
    let peer: PeerProcess

    var socketPath: String { directory.appendingPathComponent("d.sock").path }
    var socketURL: String { "unix://" + socketPath }

    private init(directory: URL, peer: PeerProcess) {
        self.directory = directory
        self.peer = peer
    }

    /// Starts dockerd (in `directory` again for a restart) and waits until it answers.
    static func start(in directory: URL? = nil, importImage: Bool = true) async throws -> DockerEngine {
        let directory = try directory ?? PeerProcess.makeDirectory("dockerd")
        let arguments = [
            "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
            "--storage-driver=vfs", "--shutdown-timeout=2",
            "--data-root=\(directory.path)/data", "--exec-root=\(directory.path)/exec",
            "--pidfile=\(directory.path)/pid", "-H", "unix://\(directory.path)/d.sock",
        ]
        let peer = try PeerProcess.start("dockerd", arguments, name: "dockerd", directory: directory)
        let engine = DockerEngine(directory: directory, peer: peer)
        try await waitUntil("dockerd answering on \(engine.socketPath)", timeout: .seconds(60)) {
            guard peer.isRunning else { throw PeerError("dockerd exited early:\n\(peer.output)") }
            return Self.canConnect(unixPath: engine.socketPath) && (try? engine.docker("version")) != nil
        }
        if importImage { try engine.importBusybox() }
        return engine
    }

    /// Removes every container (so no shim outlives the engine), then stops dockerd.
    func stop(keepDirectory: Bool = false) {
        if peer.isRunning, let ids = try? docker("ps", "-aq"), !ids.isEmpty {
            _ = try? docker(["rm", "-f"] + ids.split(separator: "\n").map(String.init))
        }
        // Each user network is a bridge on the host that outlives dockerd:
        // left behind, they use up Docker's default address pools and a
        // later run cannot create networks at all.
        if peer.isRunning, !keepDirectory { _ = try? docker("network", "prune", "-f") }
        peer.stop(grace: .seconds(30), keepDirectory: keepDirectory)
    }

    /// Runs the docker CLI against this engine and returns its trimmed stdout.
    @discardableResult
    func docker(_ arguments: String...) throws -> String { try docker(arguments) }

    @discardableResult
    func docker(_ arguments: [String]) throws -> String {
        try Self.run("docker", ["-H", socketURL] + arguments)
    }

    /// `docker run -d --network none <image> <command>`, returning the container id.
    @discardableResult
    func run(_ name: String, options: [String] = [], _ command: String...) throws -> String {
        let network = options.contains { $0.hasPrefix("--network") } ? [] : ["--network", "none"]
        return try docker(["run", "-d", "--name", name] + network + options + [Self.image] + command)
    }

    /// Busybox-static's binary and its applet links as the image's whole rootfs.
    private func importBusybox() throws {
        let busybox = "/bin/busybox"
        guard FileManager.default.isExecutableFile(atPath: busybox) else {
            throw PeerError("\(busybox) is missing: install busybox-static")
        }
        let root = directory.appendingPathComponent("rootfs")
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: busybox, toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "sleep", "yes", "head", "cat", "true", "false", "ping", "wget", "dd"] {
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let tarball = directory.appendingPathComponent("rootfs.tar").path
        try Self.run("tar", ["-C", root.path, "-cf", tarball, "."])
        try docker("import", tarball, Self.image)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(executable))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError(
                "\(executable) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(String(decoding: error, as: UTF8.self))"
            )
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func locate(_ executable: String) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"]
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(executable)") {
            return "\(dir)/\(executable)"
        }
        throw PeerError("\(executable) is not installed (docker.io provides docker, tar is in tar)")
    }

    static func canConnect(unixPath: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(unixPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
