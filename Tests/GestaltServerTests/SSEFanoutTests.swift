import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Testing

/// The topology stream is written from the event loops (`TopologyFanout`):
/// clients share framed batches, a client that stops reading is skipped,
/// and every client still ends at the store's exact state.
@Suite(.timeLimit(.minutes(3))) struct SSEFanoutTests {
    static let pods = 200

    static func pad(_ size: Int) -> [String: String] { ["pad": String(repeating: "x", count: size)] }

    /// `updates` meaningful changes of the pods, 100 per batch.
    static func churn(_ store: TopologyStore, updates: Int, pad: Int = 0) {
        var i = 0
        while i < updates {
            store.apply(
                (i..<min(i + 100, updates)).map { j in
                    var pod = entity("p\(j % pods)", labels: Self.pad(pad))
                    pod.networkRxBytes = Int64(j + 1)
                    return .upsertEntity(pod)
                })
            i += 100
        }
    }

    /// Reads `sse` until it holds the store's state (filtered by `filter`).
    /// These suites run beside the other throughput suites, which keep both
    /// cores busy: a client's next message once waited more than 10 s for
    /// its loop's turn, so each may take up to a minute (the suite's limit holds).
    static func converge(_ sse: SSEClient, _ store: TopologyStore, filter: TopologyFilter = .everything) async throws {
        var applied = AppliedTopology()
        func next() async throws -> TopologyUpdate { try await sse.dataMessages(1, timeout: .seconds(60))[0].update() }
        applied.apply(try await next())
        while !(applied.revision >= store.revision && applied.matches(store.snapshot(filter: filter))) {
            applied.apply(try await next())
        }
    }

    @Test func unfilteredAndFilteredClientsAllReachTheStoresState() async throws {
        try await withLiveServer { server, port in
            let store = server.store
            store.apply(
                (0..<Self.pods).map { .upsertEntity(entity("p\($0)")) } + [.upsertEntity(entity("db", kind: .database))]
            )
            var clients: [SSEClient] = []
            // HTTPClient.shared opens at most 8 connections per host.
            for _ in 0..<6 { clients.append(try await SSEClient(port: port, path: "/api/infra/topology/stream")) }
            let filtered = try await SSEClient(port: port, path: "/api/infra/topology/stream?kinds=pod")
            await offThePool { Self.churn(store, updates: 5_000) }
            for client in clients { try await Self.converge(client, store) }
            try await Self.converge(filtered, store, filter: TopologyFilter(kinds: [.pod]))
            #expect(server.fanout.clientCount == 7)
        }
    }

    @Test func slowClientIsSkippedThenConverges() async throws {
        // The slow client is blocked for as long as the other one takes to
        // read 100 MB, which on a loaded machine passed the 30 s after which
        // a stuck client is closed; that rule has tests of its own.
        try await withLiveServer(configure: { server, _ in server.stuckTimeout = .seconds(600) }) { server, port in
            let store = server.store
            store.apply((0..<Self.pods).map { .upsertEntity(entity("p\($0)", labels: Self.pad(2000))) })
            let slow = try await SSEClient(port: port, path: "/api/infra/topology/stream?session_id=slow")
            _ = try await slow.dataMessages(1)
            let normal = try await SSEClient(port: port, path: "/api/infra/topology/stream?session_id=normal")
            // 50k updates of 2 kB entities: far more than the socket buffers hold.
            await offThePool { Self.churn(store, updates: 50_000, pad: 2000) }
            try await Self.converge(normal, store)

            // The normal client has everything; the slow one was skipped, not
            // queued for: it was sent what its socket buffers took (about
            // 2,000 of the 50,000 updates) and no more. Its lag may already be
            // 0: on a machine whose TCP autotuning grew those buffers, a
            // resync of the 400 kB state fits once the churn stops.
            let lagging = try #require(server.registry.snapshot().clients.first { $0.sessionID == "slow" })
            #expect(lagging.messagesSent < 25_000)

            try await Self.converge(slow, store)
            let stats = server.stats.snapshot
            #expect(stats.resyncs + stats.coalesced > 0)
        }
    }
}
