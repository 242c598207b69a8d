import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The graph API's write path alone: one node's labels PATCHed over and
/// over with no stream client connected, server CPU per PATCH from /proc.
struct PatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Server CPU per graph API PATCH (a node's labels, no client connected).",
        discussion:
            "Starts `gestalt serve` like `fanout` does (no history, simulator frozen) and PATCHes in sequence; `--vs nchan` then times nchan's publisher the same way."
    )

    @Option(help: "PATCHes to time (after as many again to warm up).") var count = 2_000
    @Option(help: "Bytes of each PATCH body.") var payload = 450
    @Option(help: "The gestalt binary (default: next to this one).") var gestalt: String?
    @Option(help: "Loopback port.") var port = 18295
    @Option(help: "Seconds to wait after the warm-up (to attach perf: its pid is printed).") var pause = 0
    @Option(help: "GET this path instead of PATCHing (e.g. /healthz), for the request path's own cost.") var get:
        String?
    @Option(help: "Also time nginx + nchan's publisher (a POST of the same payload, no subscriber): nchan, or none.")
    var vs = "none"
    @Option(help: "nginx binary.") var nginx = "/usr/sbin/nginx"
    @Option(help: "nchan's dynamic module.") var nchanModule = "/usr/lib/nginx/modules/ngx_nchan_module.so"

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gestalt-patch-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let binary =
            gestalt
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gestalt").path
        do {
            try await measure(binary: binary, directory: directory, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(binary: String, directory: URL, client: HTTPClient) async throws {
        let gestaltPeer = try await GestaltPeer.start(
            binary: binary, port: port, directory: directory, payloadBytes: payload, delta: "entity",
            extraArguments: [], client: client)
        print("load average \(FanoutBench.loadAverage()); gestalt pid \(gestaltPeer.worker.pid)")
        let what = get.map { "GET \($0)" } ?? "PATCH"
        // Stopped before nchan starts, so the two never share the cores.
        let ours: Double
        do {
            defer { gestaltPeer.stop() }
            ours = try await timed(gestaltPeer, what: what, client: client)
        }
        guard vs == "nchan" else { return }
        let nchan = try await NchanPeer.start(
            nginx: nginx, module: nchanModule, port: port + 1, directory: directory, connections: 100,
            payloadBytes: payload)
        defer { nchan.stop() }
        print("nchan worker pid \(nchan.worker.pid)")
        let theirs = try await timed(nchan, what: "nchan POST /pub (no subscriber)", client: client)
        print(String(format: "%@ / nchan publish: %.2f×", what, ours / theirs))
    }

    /// Warms up, then times `count` requests in sequence: the peer's CPU per request, in seconds.
    private func timed(_ peer: any FanoutPeer, what: String, client: HTTPClient) async throws -> Double {
        var sequence = 0
        let port = peer.target.port, get = peer is GestaltPeer ? get : nil
        func requests(_ n: Int) async throws {
            for _ in 0..<n {
                sequence += 1
                let answered =
                    if let get {
                        await Self.get(get, port: port, client: client)
                    } else {
                        await peer.publish("", sequence: sequence, client: client)
                    }
                guard answered else { throw LoadTargetError(message: "\(what) \(sequence) was not answered 2xx") }
            }
        }
        try await requests(count)
        if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
        let cpu = peer.worker.cpuSeconds
        let start = ContinuousClock.now
        try await requests(count)
        let used = (peer.worker.cpuSeconds - cpu) / Double(count)
        let wall = ContinuousClock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        print(
            String(
                format: "%d × %@: %.1f µs server CPU each, %.0f/s in sequence; load average %@", count, what,
                used * 1e6, Double(count) / seconds, FanoutBench.loadAverage()))
        return used
    }

    private static func get(_ path: String, port: Int, client: HTTPClient) async -> Bool {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }
}
