import ArgumentParser
import Foundation
import GestaltModel
import NIOCore
import NIOHTTP1
import Synchronization

/// The load tool: opens N SSE and M WebSocket clients against a running server (from this
/// separate process) and measures delivery rate, change → client latency,
/// and the server's own memory and CPU per delivered message.
///
/// Latency is the update's `timestamp` (set when the store applied it, in
/// milliseconds) against this process's wall clock: same machine, same clock,
/// so it is accurate to about 1 ms.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract:
            "Load a running server with N SSE and M WebSocket clients and report delivery, latency, server memory and CPU.",
        discussion: """
            Start the server first, e.g. `gestalt serve --port 8080 --demo-rate 1000 --demo-size 1000 --no-layout &`, \
            then `gestalt-bench load --url http://127.0.0.1:8080 --sse 1000 --server-pid $!`.
            """
    )

    @Option(help: "Server base URL.") var url = "http://127.0.0.1:8080"
    @Option(help: "SSE clients to open.") var sse = 1000
    @Option(help: "WebSocket clients to open (subscribed to the topology channel).") var ws = 0
    @Option(help: "Seconds to measure once all clients are connected.") var seconds = 10
    @Option(help: "Server process id, for its memory and CPU accounting.") var serverPid: Int32?
    @Flag(help: "Do not parse timestamps (idle/fan-out runs: count messages only).") var noLatency = false
    @Option(
        help:
            "Clients of each transport that parse timestamps for latency (the rest only count), so the load tool itself keeps up."
    ) var measure = 100
    @Option(help: "Clients opened at once while connecting.") var connectBatch = 200
    @Flag(help: "WebSocket clients offer permessage-deflate and inflate what comes compressed, as browsers do.")
    var wsDeflate = false

    func run() async throws {
        let target = try LoadTarget(url: url)
        let server = serverPid.map(ServerProcess.init)
        let rssBefore = server?.residentBytes ?? 0
        let counters = LoadCounters(), wsCounters = LoadCounters()
        let measuring = noLatency ? 0 : measure, total = sse, wsTotal = ws, batch = connectBatch, seconds = seconds,
            deflate = wsDeflate
        var channels: [EventLoopFuture<any Channel>] = []
        defer { for channel in channels { channel.whenSuccess { $0.close(promise: nil) } } }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                channels.append(
                    target.connect(counters: counters) { channel in
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            SSELoadClient(
                                host: target.host, counters: counters,
                                measure: Self.measures(index, of: total, measuring: measuring)))
                    })
                if index % batch == batch - 1 { try await Self.pace(counters, toward: index - batch / 2) }
            }
            for index in 0..<wsTotal {
                channels.append(
                    target.connect(counters: wsCounters) { channel in
                        let client = WebSocketLoadClient(
                            counters: wsCounters, measure: Self.measures(index, of: wsTotal, measuring: measuring))
                        try channel.pipeline.syncOperations.addHandler(
                            WebSocketHandshake(
                                host: target.host, deflate: deflate, client: client, counters: wsCounters))
                    })
                if index % batch == batch - 1 { try await Self.pace(wsCounters, toward: index - batch / 2) }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while counters.connected.load(ordering: .relaxed) + wsCounters.connected.load(ordering: .relaxed) < total
                + wsTotal, ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(1))
            let connected = counters.connected.load(ordering: .relaxed) + wsCounters.connected.load(ordering: .relaxed)
            let rssConnected = server?.residentBytes ?? 0
            counters.reset()
            wsCounters.reset()
            let delayStart = await ServerDelay.fetch(target)
            let cpuStart = server?.cpuSeconds ?? 0
            let start = ContinuousClock.now
            try await Task.sleep(for: .seconds(seconds))
            let elapsed = milliseconds(.now - start) / 1000
            let cpu = (server?.cpuSeconds ?? 0) - cpuStart
            let delayEnd = await ServerDelay.fetch(target)
            let sseDelivered = counters.messages.load(ordering: .relaxed),
                wsDelivered = wsCounters.messages.load(ordering: .relaxed)
            let delivered = sseDelivered + wsDelivered
            print(
                "clients connected: \(connected) of \(total + wsTotal) (SSE \(counters.connected.load(ordering: .relaxed)) of \(total), WS \(wsCounters.connected.load(ordering: .relaxed)) of \(wsTotal))"
            )
            if server != nil {
                let perClient = connected > 0 ? Double(rssConnected - rssBefore) / Double(connected) : 0
                print(
                    String(
                        format: "server rss: %d MiB before, %d MiB connected; %.1f KiB per client", rssBefore >> 20,
                        rssConnected >> 20, perClient / 1024))
            }
            for (name, count, clients, transport) in [
                ("SSE", sseDelivered, total, counters), ("WS", wsDelivered, wsTotal, wsCounters),
            ] where clients > 0 {
                print(
                    "\(name) "
                        + String(
                            format: "delivered: %d messages in %.1f s = %.0f msg/s", count, elapsed,
                            Double(count) / elapsed))
                if measuring > 0 {
                    print(
                        "\(name) change → client latency: \(Percentiles(transport.latencies.withLock { $0 }).describe(unit: "ms"))"
                    )
                }
            }
            if let delayEnd {
                print(
                    "server fan-out delay (store → socket, both transports): "
                        + ServerDelay.describe(delayEnd, since: delayStart))
            }
            for (description, count) in counters.errors.withLock({ $0 }) {
                print("SSE client errors: \(count) × \(description)")
            }
            for (description, count) in wsCounters.errors.withLock({ $0 }) {
                print("WS client errors: \(count) × \(description)")
            }
            if total > 0, wsTotal > 0 {
                print(
                    String(format: "delivered (both): %d messages = %.0f msg/s", delivered, Double(delivered) / elapsed)
                )
            }
            if server != nil, delivered > 0 {
                print(
                    String(
                        format: "server CPU: %.2f s in %.1f s = %.2f µs per delivered message", cpu, elapsed,
                        cpu * 1e6 / Double(delivered)))
            }
            group.cancelAll()
        }
    }
}

extension LoadBench {
    /// Waits until `target` clients are connected before opening more, or
    /// until 10 s pass without one more connecting (clients the server
    /// dropped never come back, and the run must still end).
    static func pace(_ counters: LoadCounters, toward target: Int) async throws {
        var last = counters.connected.load(ordering: .relaxed), lastProgress = ContinuousClock.now
        while last < target {
            try await Task.sleep(for: .milliseconds(20))
            let now = counters.connected.load(ordering: .relaxed)
            if now != last { last = now; lastProgress = .now }
            if ContinuousClock.now - lastProgress > .seconds(10) {
                counters.noteError("connecting stalled at \(now) clients (waited for \(target))")
                return
            }
        }
    }

    /// Whether client `index` of `total` measures latency: every n-th one,
    /// spread over the whole set, since the server serves its clients in the
    /// order they connected and the first ones would see the shortest delays.
    static func measures(_ index: Int, of total: Int, measuring: Int) -> Bool {
        guard measuring > 0 else { return false }
        return index % max(1, total / measuring) == 0 && index / max(1, total / measuring) < measuring
    }
}

final class LoadCounters: Sendable {
    let connected = Atomic<Int>(0)
    let messages = Atomic<Int>(0)
    let latencies = Mutex<[Double]>([])

    let errors = Mutex<[String: Int]>([:])
    /// The tool is closing its clients: a stream cut mid-chunk by its own
    /// close (HTTP's "stream ended at an unexpected time") is no failure.
    let closing = Atomic<Bool>(false)

    /// Counts a client's failure by its description (printed with the figures).
    func noteError(_ error: any Error) { noteError("\(error)") }

    func noteError(_ description: String) {
        guard !closing.load(ordering: .relaxed) else { return }
        errors.withLock { $0[description, default: 0] += 1 }
    }

    func reset() {
        closing.store(false, ordering: .relaxed)
        messages.store(0, ordering: .relaxed)
        latencies.withLock { $0.removeAll() }
    }
}
