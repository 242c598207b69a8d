import ArgumentParser
import Foundation
import GestaltDocker
import GestaltEngine
import GestaltModel

#if canImport(Glibc)
import Glibc
import NIOHTTP1
#endif

/// `gestalt-bench docker`: the Docker source against a dockerd of its own
/// (vfs, no bridge, no iptables), with N busybox containers sleeping.
/// Measures start → entity-visible latency (each container started through
/// the API, then the store polled until it shows it running), the initial
/// sync of a fresh source over all of them, and this process's CPU while
/// the source idles with N stats streams open.
struct DockerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker",
        abstract: "Docker source: start→visible latency, initial sync and idle CPU against a real dockerd."
    )

    @Option(help: "How many busybox containers to start.")
    var containers = 200

    @Option(help: "Seconds of idle to measure CPU over.")
    var idleSeconds = 20

    @Option(help: "busybox-static binary that becomes the image's rootfs.")
    var busybox = "/bin/busybox"

    func run() async throws {
        let directory = URL(fileURLWithPath: "/tmp/gb-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dockerd = try startDockerd(in: directory)
        defer {
            kill(dockerd.processIdentifier, SIGTERM)
            dockerd.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
        let socket = "unix://\(directory.path)/d.sock"
        let client = try DockerClient(configuration: DockerSourceConfiguration(socket: socket))
        try await waitForEngine(client)
        try importImage(socket: socket, directory: directory)
        print("dockerd ready in \(directory.path); \(containers) containers to start")

        // 1. start → visible, with the source running.
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let instance = SourceInstance(kind: "docker")
        let source = DockerSource(instance: instance, configuration: DockerSourceConfiguration(socket: socket))
        let running = Task {
            try await source.run(in: SourceContext(instance: instance, sink: store, store: store, statusBoard: board))
        }
        try await poll("source ready") { board.status(of: "docker")?.state == .ready }
        var latencies: [Duration] = []
        var afterReturn: [Duration] = []
        var ids: [String] = []
        let clock = ContinuousClock()
        for index in 0..<containers {
            let name = "bench-\(index)"
            let body = try await client.send(
                .POST, "/containers/create", query: [("name", name)],
                json: #"{"Image":"gestalt-bench/busybox","Cmd":["sleep","3600"],"HostConfig":{"NetworkMode":"none"}}"#
            )
            struct Created: Decodable { var Id: String }
            let id = try DockerClient.decode(Created.self, from: body, what: "create").Id
            ids.append(id)
            let started = clock.now
            try await client.send(.POST, "/containers/\(id)/start")
            let returned = clock.now
            // From the start request to the store showing it running.
            try await poll("\(name) visible", every: .microseconds(500)) {
                store.entity(id: "docker:container/\(name)")?.status == .running
            }
            latencies.append(clock.now - started)
            afterReturn.append(clock.now - returned)
        }
        func quantiles(_ values: [Duration]) -> String {
            let sorted = values.sorted()
            return
                "p50 \(ms(sorted[sorted.count / 2])) ms, p99 \(ms(sorted[min(sorted.count - 1, sorted.count * 99 / 100)])) ms, max \(ms(sorted.last!)) ms"
        }
        print("start request → visible running over \(containers) containers: \(quantiles(latencies))")
        print("start request returned → visible running: \(quantiles(afterReturn))")

        // 2. idle CPU of this process with N stats streams flowing into the store.
        try await Task.sleep(for: .seconds(3))
        let cpuBefore = processCPUSeconds()
        let wallBefore = clock.now
        let revisionBefore = store.revision
        try await Task.sleep(for: .seconds(idleSeconds))
        let cpu = processCPUSeconds() - cpuBefore
        let wall = seconds(clock.now - wallBefore)
        print(
            String(
                format: "idle with %d stats streams: %.1f%% of one core over %.0f s (%.0f store revisions/s)",
                containers, cpu / wall * 100, wall, Double(store.revision - revisionBefore) / wall))
        running.cancel()
        _ = await running.result

        // 3. initial sync of a fresh source (a restart) over everything.
        let fresh = TopologyStore()
        let freshBoard = SourceStatusBoard()
        let syncStart = clock.now
        let syncing = Task {
            try await source.run(
                in: SourceContext(instance: instance, sink: fresh, store: fresh, statusBoard: freshBoard))
        }
        try await poll("initial sync", every: .microseconds(500)) { freshBoard.status(of: "docker")?.state == .ready }
        let sync = clock.now - syncStart
        let listed = fresh.snapshot().entities.count { $0.kind == .container }
        print("initial sync of \(listed) containers: \(ms(sync)) ms")
        syncing.cancel()
        _ = await syncing.result

        for id in ids { _ = try? await client.send(.DELETE, "/containers/\(id)", query: [("force", "true")]) }
        await client.shutdown()
    }

    private func startDockerd(in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
        process.arguments = [
            "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
            "--storage-driver=vfs", "--shutdown-timeout=2",
            "--data-root=\(directory.path)/data", "--exec-root=\(directory.path)/exec",
            "--pidfile=\(directory.path)/pid", "-H", "unix://\(directory.path)/d.sock",
        ]
        let log = directory.appendingPathComponent("dockerd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func waitForEngine(_ client: DockerClient) async throws {
        struct Version: Decodable { var ApiVersion: String }
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if (try? await client.get(Version.self, "/version")) != nil { return }
            guard ContinuousClock.now < deadline else { throw ValidationError("dockerd did not answer within 60 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// busybox-static plus `sh` and `sleep` links as the whole image, imported with the CLI.
    private func importImage(socket: String, directory: URL) throws {
        let bin = directory.appendingPathComponent("rootfs/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: busybox, toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "sleep"] {
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let tarball = directory.appendingPathComponent("rootfs.tar").path
        try runTool("/usr/bin/tar", ["-C", directory.appendingPathComponent("rootfs").path, "-cf", tarball, "."])
        let docker =
            FileManager.default.isExecutableFile(atPath: "/usr/bin/docker")
            ? "/usr/bin/docker" : "/usr/local/bin/docker"
        try runTool(docker, ["-H", socket, "import", tarball, "gestalt-bench/busybox"])
    }

    private func runTool(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(path) \(arguments) failed") }
    }

    private func poll(
        _ what: String, every interval: Duration = .milliseconds(5), timeout: Duration = .seconds(60),
        _ condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ValidationError("timed out waiting for \(what)") }
            try await Task.sleep(for: interval)
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func ms(_ duration: Duration) -> String { String(format: "%.1f", seconds(duration) * 1000) }
}
