import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import TestPeers
import Testing

/// The events stream is written from the event loops, by the same fan-out
/// as the topology stream: no task per client, a client that stops reading
/// is skipped rather than queued for, and it still gets every event it can.
@Suite(.timeLimit(.minutes(3))) struct SSEEventFanoutTests {
    static func event(_ n: Int, pad: Int = 0) -> InfraEvent {
        InfraEvent(
            type: "Normal", reason: "r\(n)", message: String(repeating: "m", count: pad), entityID: "p",
            entityKind: .pod, entityName: "p", severity: .info)
    }

    @Test func anEventsClientIsAFanoutMemberWithItsLagInTheRegistry() async throws {
        try await withLiveServer { server, port in
            let sse = try await SSEClient(port: port, path: "/api/infra/events/stream?session_id=ev")
            _ = try await sse.next()  // retry
            _ = try await sse.next()  // connected
            try await waitUntil("the events client joins the fan-out") { server.fanout.clientCount == 1 }
            for n in 1...3 { _ = server.store.record(Self.event(n)) }
            #expect(try await sse.dataMessages(3).map(\.id) == ["1", "2", "3"])
            try await waitUntil("its cursor reaches the last event") {
                server.registry.snapshot().clients.first { $0.sessionID == "ev" }?.eventLag == 0
            }
            let status = try #require(server.registry.snapshot().clients.first { $0.sessionID == "ev" })
            #expect(status.channels == [.events] && status.transport == .sse && status.messagesSent == 3)
        }
    }

    @Test func aClientThatStopsReadingIsSkippedThenGetsTheRestInOrder() async throws {
        try await withLiveServer(configure: { server, _ in server.stuckTimeout = .seconds(600) }) { server, port in
            let slow = try await SSEClient(port: port, path: "/api/infra/events/stream?session_id=slow")
            _ = try await slow.next()
            _ = try await slow.next()
            let normal = try await SSEClient(port: port, path: "/api/infra/events/stream?session_id=normal")
            _ = try await normal.next()
            _ = try await normal.next()
            try await waitUntil("both clients join the fan-out") { server.fanout.clientCount == 2 }
            // 8,000 events of 2 kB: far more than the socket buffers hold,
            // and inside the 10,000 the store keeps.
            let count = 8_000
            await offThePool { for n in 1...count { _ = server.store.record(Self.event(n, pad: 2_000)) } }
            var last = 0
            while last < count {
                for message in try await normal.dataMessages(1) {
                    let id = try #require(message.id.flatMap { Int($0) })
                    #expect(id > last)
                    last = id
                }
            }
            // It was not sent every event while it did not read.
            let lagging = try #require(server.registry.snapshot().clients.first { $0.sessionID == "slow" })
            #expect(lagging.messagesSent < UInt64(count))
            // Reading again, it gets the rest: in order, never twice, to the last.
            last = 0
            while last < count {
                for message in try await slow.dataMessages(1) {
                    let id = try #require(message.id.flatMap { Int($0) })
                    #expect(id > last)
                    last = id
                }
            }
        }
    }
}
