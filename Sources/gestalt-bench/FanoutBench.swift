import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// Fan-out side by side: gestalt and nginx + nchan, each its own process on
/// loopback, driven by the same load clients (SSE, or WebSocket with or
/// without permessage-deflate) and the same publish rate in one run, so the
/// ratio holds however loaded the machine is.
struct FanoutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract:
            "SSE or WebSocket fan-out of gestalt against nginx + nchan in one run: server CPU per delivery, p50/p99, idle memory per client, ratios.",
        discussion: """
            Needs a release gestalt next to this binary (`swift build -c release --product gestalt`) and, for \
            `--vs nchan`, Debian's nginx-light with libnginx-mod-nchan. Each load is CLIENTSxRATE (messages per second). \
            `--transport ws` subscribes gestalt's clients on /api/infra/ws with the SSE clients' filter and delta form \
            and takes nchan's over WebSocket; `ws-deflate` also offers permessage-deflate as Chromium does (nchan \
            then keeps a deflated copy of each message).
            """
    )

    @Option(help: "The peer to run beside gestalt: nchan, or none.") var vs = "nchan"
    @Option(parsing: .upToNextOption, help: "Loads as CLIENTSxRATE.") var loads = ["1000x50", "100x500", "10000x5"]
    @Option(help: "Seconds of publishing per load.") var seconds = 10
    @Option(help: "Bytes of each published body.") var payload = 450
    @Option(help: "Clients per load that time each message (the rest only count).") var measure = 100
    @Option(help: "The gestalt binary (default: next to this one).") var gestalt: String?
    @Option(help: "How gestalt's clients take an update: entity (the whole entity) or patch (the changed fields).")
    var delta = "patch"
    @Option(help: "The clients' transport: sse, ws, or ws-deflate (WebSocket offering permessage-deflate).")
    var transport = FanoutTransport.sse
    @Option(help: "Extra arguments for `gestalt serve`, space-separated.") var gestaltArguments = ""
    @Option(help: "nginx binary.") var nginx = "/usr/sbin/nginx"
    @Option(help: "nchan's dynamic module.") var nchanModule = "/usr/lib/nginx/modules/ngx_nchan_module.so"
    @Option(help: "First of two loopback ports.") var port = 18291
    @Option(
        help:
            "Seconds each peer's clients stay connected before publishing (the idle memory and a perf attach happen here)."
    ) var settle = 2

    func run() async throws {
        let plans = try loads.map(FanoutLoad.init)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gestalt-fanout-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 8
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let binary =
            gestalt
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gestalt").path
        let most = plans.map(\.clients).max() ?? 0
        var peers: [any FanoutPeer] = []
        do {
            peers.append(
                try await GestaltPeer.start(
                    binary: binary, port: port, directory: directory, payloadBytes: payload, delta: delta,
                    extraArguments: gestaltArguments.split(separator: " ").map(String.init), client: client
                ))
            if vs == "nchan" {
                peers.append(
                    try await NchanPeer.start(
                        nginx: nginx, module: nchanModule, port: port + 1, directory: directory, connections: most,
                        payloadBytes: payload, deflate: transport == .wsDeflate))
            }
            print(
                "load average \(Self.loadAverage()); gestalt pid \(peers[0].worker.pid)"
                    + (peers.count > 1 ? ", nchan worker pid \(peers[1].worker.pid)" : ""))
            for plan in plans {
                var results: [FanoutResult] = []
                for peer in peers {
                    let result = try await FanoutRun(
                        plan: plan, peer: peer, transport: transport, seconds: seconds, measure: measure,
                        settle: settle, client: client
                    ).run()
                    print(result.describe())
                    results.append(result)
                }
                if results.count == 2 { print(FanoutResult.ratios(results[0], results[1])) }
            }
            print("load average \(Self.loadAverage())")
        } catch {
            for peer in peers { peer.stop() }
            try? await client.shutdown()
            throw error
        }
        for peer in peers { peer.stop() }
        try await client.shutdown()
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(
            separator: " ")
    }
}

/// How the load clients take the stream.
enum FanoutTransport: String, ExpressibleByArgument, Sendable {
    case sse
    case ws
    case wsDeflate = "ws-deflate"
}

/// One load: CLIENTSxRATE.
struct FanoutLoad {
    let clients: Int
    let rate: Int

    init(_ text: String) throws {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let clients = Int(parts[0]), let rate = Int(parts[1]), clients > 0, rate > 0 else {
            throw ValidationError("a load is CLIENTSxRATE, e.g. 1000x50; got '\(text)'")
        }
        self.clients = clients
        self.rate = rate
    }

    var label: String { "\(clients)x\(rate)" }
}
