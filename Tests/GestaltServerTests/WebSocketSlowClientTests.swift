import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdWSClient
import Synchronization
import TestPeers
import Testing

/// A gate a test task waits at until another opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        for waiter in state.withLock({ s -> [CheckedContinuation<Void, Never>] in
            s.open = true; defer { s.waiters = [] }; return s.waiters
        }) {
            waiter.resume()
        }
    }
}

/// A flag set by one task and read by another.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

@Suite(.timeLimit(.minutes(3))) struct WebSocketSlowClientTests {
    static let entityCount = 200
    static let updates = 50_000

    /// 2 kB per pod, so that 50k updates are far more than socket buffers hold
    /// (with small pods they nearly fit, and the slow client is not behind).
    static let pad = ["pad": String(repeating: "x", count: 2000)]

    /// Applies `updates` changes, 100 per batch, each a meaningful change of one pod.
    static func churn(_ store: TopologyStore, updates: Int = updates) {
        var i = 0
        while i < updates {
            var batch: [TopologyChange] = []
            for j in i..<min(i + 100, updates) {
                var pod = entity("p\(j % entityCount)", labels: pad)
                pod.networkRxBytes = Int64(j + 1)
                batch.append(.upsertEntity(pod))
            }
            store.apply(batch)
            i += 100
        }
    }

    @Test(arguments: [false, true]) func slowClientStaysBoundedAndConverges(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let store = server.store
            store.apply((0..<Self.entityCount).map { .upsertEntity(entity("p\($0)", labels: Self.pad)) })
            let slowSubscribed = Gate(), resumeSlow = Gate(), normalDone = Gate()
            let slowCaughtUp = Flag()

            try await withThrowingTaskGroup(of: Void.self) { group in
                // The slow client: reads its full, then stops reading until told.
                group.addTask {
                    // A failure opens the gates too: the test then fails instead of hanging.
                    defer { slowSubscribed.open() }
                    try await connectWS(port: port, deflate: deflate, query: "?session_id=slow") { ws in
                        var applied = AppliedTopology()
                        try await ws.subscribe()
                        _ = try await ws.nextSkippingPings()
                        applied.apply(try await ws.nextSkippingPings().update())
                        slowSubscribed.open()
                        await resumeSlow.wait()
                        while !(applied.revision == store.revision && applied.matches(store.snapshot())) {
                            let envelope = try await ws.nextSkippingPings()
                            if envelope.type == "topology" { applied.apply(try envelope.update()) }
                        }
                        slowCaughtUp.set()
                    }
                }
                // The normal client: reads everything as it comes.
                group.addTask {
                    defer { normalDone.open() }
                    await slowSubscribed.wait()
                    try await connectWS(port: port, deflate: deflate, query: "?session_id=normal") { ws in
                        var applied = AppliedTopology()
                        try await ws.subscribe()
                        _ = try await ws.nextSkippingPings()
                        applied.apply(try await ws.nextSkippingPings().update())
                        await offThePool { Self.churn(store) }
                        while applied.revision < store.revision || !applied.matches(store.snapshot()) {
                            let envelope = try await ws.nextSkippingPings()
                            if envelope.type == "topology" { applied.apply(try envelope.update()) }
                        }
                    }
                }
                await normalDone.wait()

                // The normal client got everything while the slow one had not read a byte more.
                #expect(!slowCaughtUp.isSet)
                let slow = try #require(server.registry.snapshot().clients.first { $0.sessionID == "slow" })
                // No per-client queue: what the server holds for the slow client is at
                // most one batch handed to the socket (512 updates of a few hundred bytes).
                #expect(slow.inFlightBytes < 512 * 1024)
                // No assertion on `slow.lag`: the WebSocket client library keeps
                // reading frames into its own buffer after the test stops taking
                // them, so depending on timing the server may have written
                // everything. SSEFanoutTests checks lag with a client whose
                // transport pushes back.

                resumeSlow.open()
                try await group.waitForAll()
            }
            #expect(slowCaughtUp.isSet)
            // It caught up through a fresh full, or through coalesced batches.
            let stats = server.stats.snapshot
            #expect(stats.resyncs + stats.coalesced > 0)
        }
    }

    @Test(arguments: [false, true]) func stuckClientIsDisconnected(deflate: Bool) async throws {
        try await withLiveServer(configure: { server, _ in server.stuckTimeout = .milliseconds(500) }) { server, port in
            let store = server.store
            store.apply(
                (0..<Self.entityCount).map {
                    .upsertEntity(entity("p\($0)", labels: ["pad": String(repeating: "x", count: 2000)]))
                })
            let subscribed = Gate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await connectWS(port: port, deflate: deflate) { ws in
                        try await ws.subscribe()
                        _ = try await ws.nextSkippingPings()
                        subscribed.open()
                        // Never read again; the server must give up on us.
                        try await Task.sleep(for: .seconds(100))
                    }
                }
                await subscribed.wait()
                // Big updates fill the socket buffers until the server's write blocks.
                var round = 0
                while server.stats.snapshot.disconnectsByReason[.stuck] == nil {
                    var batch: [TopologyChange] = []
                    for j in 0..<Self.entityCount {
                        var pod = entity("p\(j)", labels: ["pad": String(repeating: "y", count: 2000)])
                        pod.networkRxBytes = Int64(round)
                        batch.append(.upsertEntity(pod))
                    }
                    store.apply(batch)
                    round += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            #expect(server.stats.snapshot.disconnectsByReason[.stuck] == 1)
            try await waitUntil("stuck client deregistered") { server.registry.count == 0 }
        }
    }

    /// (docs/PROTOCOL.md, slow clients: requests without reading.) It is
    /// here, with the heavy suites, because it encodes 16 MiB of `full`s on an
    /// event loop, which starves the light suites' heartbeats.
    /// A client that sends subscribes (a `full` each) and never reads is
    /// closed with 1008 when more than 16 MiB of answers wait unread, with
    /// or without compression (the `full`s are compressed then). It is not
    /// reading, so the verdict is read from the registry's disconnect counts.
    @Test(arguments: [false, true]) func requestsWithoutReadingClose1008(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let labels = Dictionary(
                uniqueKeysWithValues: (0..<8).map {
                    ("label-\($0)", "value-\($0)-" + String(repeating: "x", count: 40))
                })
            await offThePool {
                server.store.apply((0..<3000).map { .upsertEntity(entity("pod-\($0)", labels: labels)) })
            }
            let raw = try await RawConnection(port: port)
            defer { raw.close() }
            let extensions = deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : ""
            try await raw.send(
                DirectWebSocketFrameTests.handshake.replacingOccurrences(of: "\r\n\r\n", with: "\r\n\(extensions)\r\n"))
            try await raw.read(until: { $0.contains("\r\n\r\n") })
            #expect(raw.received.hasPrefix("HTTP/1.1 101"))
            let subscribe = clientFrame(
                0x1, Array(#"{"type":"subscribe","payload":{"channels":["topology"]}}"#.utf8))
            // One write of 400 requests, then never read.
            try await raw.send(bytes: Array((0..<400).map { _ in subscribe }.joined()))
            // The 16 MiB of unread answers are counted before compression, so
            // a deflate session is closed after as many `full`s as a plain one.
            try await waitUntil("closed for sending without reading", timeout: .seconds(90)) {
                server.stats.snapshot.disconnectsByReason[.policyViolation] == 1
            }
        }
    }
}
