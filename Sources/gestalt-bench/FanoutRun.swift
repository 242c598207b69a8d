import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// One load against one peer: connect the clients, note the idle memory,
/// publish at the rate for the given seconds, wait until every client has
/// every message (or 5 s pass), then disconnect. CPU is the peer's worker's
/// over the whole publish-and-drain window, per message delivered.
struct FanoutRun {
    let plan: FanoutLoad
    let peer: any FanoutPeer
    let transport: FanoutTransport
    let seconds: Int
    let measure: Int
    let settle: Int
    let client: HTTPClient

    func run() async throws -> FanoutResult {
        let counters = LoadCounters()
        let target = peer.target, path = peer.streamPath(plan.label), total = plan.clients, measuring = measure
        let webSocket = peer.webSocket(plan.label), transport = transport
        let rssBefore = peer.worker.residentBytes
        var channels: [EventLoopFuture<any Channel>] = []
        for index in 0..<total {
            channels.append(
                target.connect(counters: counters) { channel in
                    let measures = LoadBench.measures(index, of: total, measuring: measuring)
                    guard transport != .sse else {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            SSELoadClient(host: target.host, path: path, counters: counters, measure: measures))
                        return
                    }
                    let client = WebSocketLoadClient(
                        counters: counters, measure: measures, subscribe: webSocket.subscribe,
                        enveloped: webSocket.enveloped)
                    try channel.pipeline.syncOperations.addHandler(
                        WebSocketHandshake(
                            host: target.host, path: webSocket.path, deflate: transport == .wsDeflate, client: client,
                            counters: counters))
                })
            if index % 200 == 199 { try await LoadBench.pace(counters, toward: index - 100) }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while counters.connected.load(ordering: .relaxed) < total, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(settle))
        let connected = counters.connected.load(ordering: .relaxed)
        let rssConnected = peer.worker.residentBytes
        counters.reset()
        let delayStart = peer.name == "gestalt" ? await ServerDelay.fetch(target) : nil

        let cpuStart = peer.worker.cpuSeconds
        let start = ContinuousClock.now
        let published = await publish()
        let publishSeconds = milliseconds(.now - start) / 1000
        let expected = published * connected
        let drainDeadline = ContinuousClock.now + .seconds(5)
        while counters.messages.load(ordering: .relaxed) < expected, ContinuousClock.now < drainDeadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let cpu = peer.worker.cpuSeconds - cpuStart
        let delivered = counters.messages.load(ordering: .relaxed)
        let delay =
            peer.name == "gestalt"
            ? await ServerDelay.fetch(target).map { ServerDelay.describe($0, since: delayStart) } : nil

        counters.closing.store(true, ordering: .relaxed)
        for channel in channels { channel.whenSuccess { $0.close(promise: nil) } }
        let closeDeadline = ContinuousClock.now + .seconds(30)
        while counters.connected.load(ordering: .relaxed) > 0, ContinuousClock.now < closeDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return FanoutResult(
            peer: transport == .sse ? peer.name : "\(peer.name) \(transport.rawValue)", plan: plan,
            connected: connected, published: published, publishSeconds: publishSeconds,
            delivered: delivered, expected: expected, cpuSeconds: cpu,
            idleBytesPerClient: connected > 0 ? Double(rssConnected - rssBefore) / Double(connected) : 0,
            latencies: Percentiles(counters.latencies.withLock { $0 }), serverDelay: delay,
            errors: counters.errors.withLock { $0 }
        )
    }

    /// Publishes at the plan's rate for `seconds`, up to 32 requests in
    /// flight (a slow answer must not slow the rate); returns how many the peer accepted.
    private func publish() async -> Int {
        let interval = Duration.seconds(1) / plan.rate, count = plan.rate * seconds
        let peer = peer, client = client, label = plan.label
        return await withTaskGroup(of: Bool.self) { group in
            var accepted = 0, inFlight = 0
            var next = ContinuousClock.now
            for sequence in 0..<count {
                next += interval
                try? await Task.sleep(until: next)
                if inFlight >= 32, let ok = await group.next() { inFlight -= 1; if ok { accepted += 1 } }
                inFlight += 1
                group.addTask { await peer.publish(label, sequence: sequence, client: client) }
            }
            for await ok in group where ok { accepted += 1 }
            return accepted
        }
    }
}

struct FanoutResult {
    let peer: String
    let plan: FanoutLoad
    let connected: Int
    let published: Int
    let publishSeconds: Double
    let delivered: Int
    let expected: Int
    let cpuSeconds: Double
    let idleBytesPerClient: Double
    let latencies: Percentiles
    let serverDelay: String?
    let errors: [String: Int]

    var microsecondsPerDelivery: Double { delivered > 0 ? cpuSeconds * 1e6 / Double(delivered) : 0 }
    var complete: Bool { delivered == expected && connected == plan.clients }

    func describe() -> String {
        var lines = [
            String(
                format:
                    "%@ %@: %d/%d clients, published %d in %.1f s (%.0f/s), delivered %d of %d%@; CPU %.2f s = %.2f µs per delivery; idle %.1f KiB per client",
                peer, plan.label, connected, plan.clients, published, publishSeconds,
                Double(published) / publishSeconds,
                delivered, expected, complete ? " (complete)" : " (INCOMPLETE)", cpuSeconds, microsecondsPerDelivery,
                idleBytesPerClient / 1024
            ),
            "  \(peer) latency: \(latencies.describe(unit: "ms"))",
        ]
        if let serverDelay { lines.append("  \(peer) store → socket: \(serverDelay)") }
        for (description, count) in errors { lines.append("  \(peer) client errors: \(count) × \(description)") }
        return lines.joined(separator: "\n")
    }

    static func ratios(_ gestalt: FanoutResult, _ other: FanoutResult) -> String {
        String(
            format: "%@ %@ / %@: CPU per delivery %.2f×, p50 %.2f×, p99 %.2f×, idle memory per client %.2f×%@",
            gestalt.plan.label, gestalt.peer, other.peer,
            gestalt.microsecondsPerDelivery / other.microsecondsPerDelivery,
            gestalt.latencies.p50 / max(other.latencies.p50, 0.001),
            gestalt.latencies.p99 / max(other.latencies.p99, 0.001),
            gestalt.idleBytesPerClient / max(other.idleBytesPerClient, 1),
            gestalt.complete && other.complete ? "" : " (a run was incomplete: see above)"
        )
    }
}
