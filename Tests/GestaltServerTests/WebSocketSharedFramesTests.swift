import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Testing

/// Event-loop WebSocket sessions frame their own writes and share one framed
/// topology batch among unfiltered sessions at the same revision
/// (`FanoutPass.webSocketBatch`); every session still ends at the store's
/// exact state, fragmented messages included.
@Suite(.timeLimit(.minutes(3))) struct WebSocketSharedFramesTests {
    /// Reads `ws` until it holds the store's state (filtered by `filter`).
    static func converge(_ ws: inout WSProbe, _ store: TopologyStore, filter: TopologyFilter = .everything) async throws
    {
        var applied = AppliedTopology()
        while !(applied.revision >= store.revision && applied.matches(store.snapshot(filter: filter))) {
            let envelope = try await ws.nextSkippingPings()
            if envelope.type == "topology" { applied.apply(try envelope.update()) }
        }
    }

    static func session(
        port: Int, store: TopologyStore, filter: TopologyFilter, subscribe: String, ready: Gate, go: Gate
    ) async throws {
        _ = try await connectWS(port: port) { ws in
            try await ws.subscribe(subscribe)
            #expect(try await ws.nextSkippingPings().type == "subscribed")
            ready.open()
            await go.wait()
            try await Self.converge(&ws, store, filter: filter)
        }
    }

    @Test(arguments: [1 << 14, 300]) func sharedAndFilteredSessionsReachTheStoresState(fragmentBytes: Int) async throws
    {
        try await withLiveServer(configure: { server, _ in server.webSocket.outboundFragmentBytes = fragmentBytes }) {
            server, port in
            let store = server.store
            store.apply(
                (0..<SSEFanoutTests.pods).map { .upsertEntity(entity("p\($0)")) } + [
                    .upsertEntity(entity("db", kind: .database))
                ])
            let go = Gate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                var ready: [Gate] = []
                for index in 0..<5 {
                    let filtered = index == 4, gate = Gate()
                    ready.append(gate)
                    group.addTask {
                        try await Self.session(
                            port: port, store: store,
                            filter: filtered ? TopologyFilter(kinds: [.pod]) : .everything,
                            subscribe: filtered
                                ? #"{"channels":["topology"],"filter":{"kinds":["pod"]}}"#
                                : #"{"channels":["topology"]}"#,
                            ready: gate, go: go
                        )
                    }
                }
                for gate in ready { await gate.wait() }
                go.open()
                await offThePool { SSEFanoutTests.churn(store, updates: 5_000, pad: 400) }
                try await group.waitForAll()
            }
            // Five sessions read the same batches; the four unfiltered ones shared their frames.
            #expect(server.stats.snapshot.messagesSent > 0)
        }
    }
}
