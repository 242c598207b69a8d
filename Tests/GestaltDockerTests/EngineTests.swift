import Foundation
import GestaltDocker
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

/// The source against a real dockerd the tests start (docker.io, busybox-static).
/// Serialized: each test has its own engine, and two at once would only fight for the 2 cores.
@Suite("Docker source against a real engine", .serialized)
struct EngineTests {
    @Test func listsContainersNetworksVolumesAndComposeProjects() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        try engine.docker("network", "create", "--internal", "backend")
        try engine.docker("volume", "create", "pgdata")
        try engine.run(
            "db", options: ["--network", "backend", "-v", "pgdata:/data", "-l", "com.docker.compose.project=shop"],
            "sleep", "3600")
        try engine.run("lonely", "sleep", "3600")
        let harness = SourceHarness(engine: engine)
        try await waitUntil("the first list is in the store") {
            harness.entity("docker:container/lonely") != nil
        }
        try await waitUntil("status ready") { harness.status?.state == .ready }

        let db = try #require(harness.entity("docker:container/db"))
        #expect(db.kind == .container)
        #expect(db.namespace == "shop")
        #expect(db.source == "docker")
        #expect(db.status == .running)
        #expect(db.labels["com.docker.compose.project"] == "shop")
        #expect(harness.entity("docker:container/lonely")?.namespace == nil)
        #expect(harness.entity("docker:network/backend")?.kind == .network)
        #expect(harness.entity("docker:network/none") == nil)
        #expect(harness.entity("docker:volume/pgdata")?.kind == .volume)
        #expect(harness.entity("docker:project/shop")?.kind == .custom)
        #expect(harness.hasConnection("docker:container/db", "docker:network/backend", .network))
        #expect(harness.hasConnection("docker:container/db", "docker:volume/pgdata", .volume))
        #expect(harness.hasConnection("docker:container/db", "docker:project/shop", .depends))
        #expect(harness.store.connections(of: "docker:container/lonely").isEmpty)
        await harness.stop()
    }

    @Test func startStopAndRemoveFollowTheEventsStream() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        let harness = SourceHarness(engine: engine)
        try await waitUntil("status ready") { harness.status?.state == .ready }

        // Created networks and volumes arrive through events too, with their edges.
        try engine.docker("network", "create", "--internal", "front")
        try engine.docker("network", "create", "--internal", "back")
        try engine.docker("volume", "create", "cache")
        try engine.run("web", options: ["--network", "front", "-v", "cache:/cache"], "sleep", "3600")
        try await waitUntil("web appears running") {
            harness.entity("docker:container/web")?.status == .running
        }
        #expect(harness.hasConnection("docker:container/web", "docker:network/front", .network))
        #expect(harness.hasConnection("docker:container/web", "docker:volume/cache", .volume))
        try engine.docker("network", "connect", "back", "web")
        try await waitUntil("web joins back") {
            harness.hasConnection("docker:container/web", "docker:network/back", .network)
        }
        try engine.docker("network", "disconnect", "back", "web")
        try await waitUntil("web leaves back") {
            !harness.hasConnection("docker:container/web", "docker:network/back", .network)
        }
        try engine.docker("stop", "-t", "0", "web")
        try await waitUntil("web shows stopped") {
            harness.entity("docker:container/web")?.annotations["docker.state"] == "exited"
        }
        try engine.docker("rm", "web")
        try await waitUntil("web disappears") { harness.entity("docker:container/web") == nil }
        #expect(harness.entity("docker:network/front") != nil)
        try engine.docker("network", "rm", "front")
        try await waitUntil("front disappears") { harness.entity("docker:network/front") == nil }
        // Stopping on request is a warning, not a failure.
        let killed = harness.store.events().filter { $0.entityID == "docker:container/web" }
        #expect(killed.allSatisfy { $0.severity <= .warning })
        await harness.stop()
    }

    @Test func nonZeroExitAndOOMKillBecomeEvents() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        let harness = SourceHarness(engine: engine)
        try await waitUntil("status ready") { harness.status?.state == .ready }

        try engine.run("crash", "sh", "-c", "exit 3")
        try await waitUntil("a Died event") {
            harness.store.events().contains { $0.entityID == "docker:container/crash" && $0.reason == "Died" }
        }
        let died = try #require(harness.store.events().first { $0.reason == "Died" })
        #expect(died.severity == .error)
        #expect(died.entityKind == .container)
        #expect(died.message.contains("code 3"))
        try await waitUntil("crash shows failed") {
            harness.entity("docker:container/crash")?.status == .failed
        }
        #expect(harness.entity("docker:container/crash")?.annotations["docker.exit_code"] == "3")

        // 8 MiB of memory, and dd asking for a 64 MiB buffer as the container's only process.
        try engine.run(
            "hog", options: ["--memory", "8m", "--memory-swap", "8m"], "dd", "if=/dev/zero", "of=/dev/null", "bs=64M",
            "count=1")
        try await waitUntil("an OOMKilled event") {
            harness.store.events().contains { $0.entityID == "docker:container/hog" && $0.reason == "OOMKilled" }
        }
        let oom = try #require(harness.store.events().first { $0.reason == "OOMKilled" })
        #expect(oom.severity == .critical)
        // The die after the OOM kill is not a second event.
        try await waitUntil("hog shows failed") { harness.entity("docker:container/hog")?.status == .failed }
        #expect(!harness.store.events().contains { $0.entityID == "docker:container/hog" && $0.reason == "Died" })
        await harness.stop()
    }

    @Test func statsStreamsGiveUsageAndRates() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        try engine.docker("network", "create", "--internal", "net")
        try engine.run("busy", options: ["--network", "net"], "sh", "-c", "while true; do :; done")
        let harness = SourceHarness(engine: engine)
        try await waitUntil("rates, memory and CPU of busy") {
            guard let busy = harness.entity("docker:container/busy") else { return false }
            return busy.customMetrics["network_rx_bytes_per_second"] != nil
                && busy.customMetrics["network_tx_bytes_per_second"] != nil
                && busy.memoryBytes > 0 && busy.memoryLimit > 0 && busy.cpuPercent > 1
        }
        let busy = try #require(harness.entity("docker:container/busy"))
        #expect(busy.customMetrics["network_rx_bytes_per_second"]! >= 0)
        #expect(busy.customMetrics["pids"] == 1)
        await harness.stop()
    }

    @Test func engineRestartThrowsThenResyncsWithoutDuplicates() async throws {
        let engine = try await DockerEngine.start()
        // Until the second engine takes over the directory, a failure must still stop this one.
        var handedOver = false
        defer { if !handedOver { engine.stop() } }
        try engine.run("keep", options: ["--restart", "always"], "sleep", "3600")
        try engine.run("gone", "sleep", "3600")
        let store = TopologyStore()
        let first = SourceHarness(engine: engine, store: store)
        try await waitUntil("both listed") {
            first.containerIDs == ["docker:container/gone", "docker:container/keep"]
        }

        // dockerd goes away: the run throws and says why.
        engine.peer.stop(grace: .seconds(30), keepDirectory: true)
        handedOver = true
        let result = await first.task.result
        #expect(throws: (any Error).self) { try result.get() }
        #expect(first.status?.state == .error)

        // While the source is down, one container is removed.
        let again = try await DockerEngine.start(in: engine.directory, importImage: false)
        defer { again.stop() }
        try again.docker("rm", "-f", "gone")

        // The rerun's first list removes what vanished and duplicates nothing.
        let second = SourceHarness(engine: again, store: store)
        try await waitUntil("gone is removed") { second.entity("docker:container/gone") == nil }
        try await waitUntil("keep runs again") { second.entity("docker:container/keep")?.status == .running }
        #expect(second.containerIDs == ["docker:container/keep"])
        #expect(second.status?.state == .ready)
        await second.stop()
    }

    @Test func aNamedInstanceCarriesItsNameInIDsAndSource() async throws {
        let engine = try await DockerEngine.start()
        defer { engine.stop() }
        try engine.run("api", "sleep", "3600")
        let harness = SourceHarness(engine: engine, instance: SourceInstance(kind: "docker", name: "build-host"))
        try await waitUntil("api listed") { harness.entity("docker@build-host:container/api") != nil }
        #expect(harness.entity("docker@build-host:container/api")?.source == "docker@build-host")
        await harness.stop()
    }

    @Test func aMissingEngineIsAnErrorNotACrash() async throws {
        let directory = try PeerProcess.makeDirectory("nodocker")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let context = SourceContext(
            instance: SourceInstance(kind: "docker"), sink: store, store: store, statusBoard: board)
        let source = DockerSource(
            configuration: DockerSourceConfiguration(socket: "unix://\(directory.path)/none.sock"))
        await #expect(throws: (any Error).self) { try await source.run(in: context) }
        #expect(board.status(of: "docker")?.state == .error)
    }
}
