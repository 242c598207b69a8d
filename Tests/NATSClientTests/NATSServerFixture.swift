import Foundation
import NATSClient
import Synchronization
import TestPeers

/// A real nats-server for one test: JetStream on, monitoring on, its own
/// store dir, on free ports. `restart()` brings it back on the same ports
/// with the same store, as a server restart in production would.
final class NATSServerFixture: Sendable {
    let port: Int
    let monitorPort: Int
    let directory: URL
    private let extraArguments: [String]
    private let process: Mutex<PeerProcess?>

    private init(port: Int, monitorPort: Int, directory: URL, extraArguments: [String]) {
        self.port = port
        self.monitorPort = monitorPort
        self.directory = directory
        self.extraArguments = extraArguments
        self.process = Mutex(nil)
    }

    static func start(_ extraArguments: [String] = []) async throws -> NATSServerFixture {
        let fixture = NATSServerFixture(
            port: try PeerProcess.freePort(), monitorPort: try PeerProcess.freePort(),
            directory: try PeerProcess.makeDirectory("nats"), extraArguments: extraArguments)
        try await fixture.launch()
        return fixture
    }

    var options: NATSConnectionOptions { NATSConnectionOptions(host: "127.0.0.1", port: port) }

    func connect(_ configure: (inout NATSConnectionOptions) -> Void = { _ in }) async throws -> NATSConnection {
        var options = self.options
        configure(&options)
        return try await NATSConnection.connect(options)
    }

    private func launch() async throws {
        let arguments =
            [
                "-a", "127.0.0.1", "-p", "\(port)", "-js", "-m", "\(monitorPort)", "-sd",
                directory.appendingPathComponent("js").path,
            ]
            + extraArguments
        let peer = try PeerProcess.start("nats-server", arguments, name: "nats", directory: directory)
        process.withLock { $0 = peer }
        try await peer.waitForPort(port)
    }

    /// Stops the server (keeping its store) without starting it again.
    func kill() {
        process.withLock { $0 }?.stop(keepDirectory: true)
    }

    func restart() async throws {
        kill()
        try await launch()
    }

    func stop() {
        process.withLock { $0 }?.stop()
    }

    var output: String { process.withLock { $0 }?.output ?? "" }
}
