import Foundation
import GestaltEngine
import GestaltHistory
import GestaltModel
import GestaltServer
import HummingbirdTesting
import TestPeers
import Testing

/// A client whose last id is older than the store's log (`retainedUpdates`)
/// is served the updates it missed from history, exactly and with no `full`,
/// over SSE and both WebSocket paths (direct, and Hummingbird's with deflate).
@Suite(.timeLimit(.minutes(2))) struct HistoryResumeTests {
    /// 100 changes to 50 pods (no two in a row to the same pod, so nothing
    /// coalesces), recorded to a real history file, with a log of 20.
    static func withRecordedServer(
        _ body: @escaping @Sendable (GestaltServer, Int, [UInt64]) async throws -> Void
    ) async throws {
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.retainedUpdates = 20
        let store = TopologyStore(configuration: storeConfiguration)
        try await withRecordedHistory(store, name: "resume") { recorded in
            var revisions: [UInt64] = []
            for i in 0..<100 {
                store.apply([.upsertEntity(entity("p\(i % 50)", cpu: Double(i)))])
                revisions.append(store.revision)
                // The recorder must not fall out of a log this short: keep it close.
                if i % 10 == 9 { try await waitDurable(recorded, store.revision) }
            }
            try await waitDurable(recorded, store.revision)
            let server = GestaltServer(
                store: store, statusBoard: SourceStatusBoard(),
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: recorded
            )
            let applied = revisions
            try await server.application().test(.live) { client in
                try await body(server, try #require(client.port), applied)
            }
        }
    }

    static func waitDurable(_ history: HistoryStore, _ revision: UInt64) async throws {
        try await waitUntil("revision \(revision) durable") { try await history.durableRevision() >= revision }
    }

    @Test func sseResumeOlderThanTheLogIsServedFromHistory() async throws {
        try await Self.withRecordedServer { server, port, revisions in
            let seen = revisions[10]
            #expect(server.store.backlog(after: seen) == nil, "the log no longer holds it")
            let sse = try await SSEClient(
                port: port, path: "/api/infra/topology/stream", headers: [("Last-Event-ID", String(seen))])
            var connected = try await sse.next()
            while connected.event != "connected" { connected = try await sse.next() }
            #expect(try connected.json()["resumed"] as? Bool == true)
            let missed = try await sse.dataMessages(89)
            #expect(missed.map(\.id) == revisions[11...].map { String($0) })
            // Changes 11..49 created pods, the rest updated them; none is a `full`.
            #expect(
                try missed.map { try $0.update().kind } == Array(repeating: .add, count: 39)
                    + Array(repeating: .update, count: 50))
            #expect(try missed.last?.update().entity?.cpuPercent == 99)
        }
    }

    @Test(arguments: [false, true]) func webSocketResumeOlderThanTheLogIsServedFromHistory(deflate: Bool) async throws {
        try await Self.withRecordedServer { server, port, revisions in
            let seen = revisions[10]
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology"],"resume_from":"\#(seen)"}"#)
                // A ping sent behind the subscribe is answered at once, even
                // while history is read; the subscribe's answers keep their order.
                try await ws.send(#"{"type":"ping"}"#)
                var pongs = 0
                func next(_ ws: inout WSProbe) async throws -> Envelope {
                    while true {
                        let message = try await ws.nextSkippingPings()
                        guard message.type == "pong" else { return message }
                        pongs += 1
                    }
                }
                let subscribed = try await next(&ws)
                #expect(subscribed.type == "subscribed")
                #expect(subscribed.payload["resumed"] as? Bool == true)
                var ids: [String] = []
                var kinds: [UpdateKind] = []
                for _ in 0..<89 {
                    let message = try await next(&ws)
                    #expect(message.type == "topology")
                    kinds.append(try message.update().kind)
                    ids.append(message.id ?? "")
                }
                #expect(ids == revisions[11...].map { String($0) })
                #expect(kinds == Array(repeating: .add, count: 39) + Array(repeating: .update, count: 50), "no full")
                if pongs == 0 { #expect(try await ws.nextSkippingPings().type == "pong") }
            }
            // A filtered subscribe cannot be served from history exactly: a full.
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(
                    #"{"channels":["topology"],"resume_from":"\#(seen)","filter":{"namespaces":["shop"]}}"#)
                #expect(try await ws.nextSkippingPings().payload["resumed"] as? Bool == false)
                #expect(try await ws.nextSkippingPings().update().kind == .full)
            }
            _ = server
        }
    }

    @Test func anIdNeitherLogNorHistoryHoldsGetsAFull() async throws {
        try await Self.withRecordedServer { _, port, revisions in
            // An id from another history (the future).
            let sse = try await SSEClient(
                port: port, path: "/api/infra/topology/stream", headers: [("Last-Event-ID", "99999999")])
            var connected = try await sse.next()
            while connected.event != "connected" { connected = try await sse.next() }
            #expect(try connected.json()["resumed"] as? Bool == false)
            #expect(try await sse.dataMessages(1).first?.update().kind == .full)
            _ = revisions
        }
    }
}
