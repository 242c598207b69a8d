import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdWSClient
import NIOWebSocket
import TestPeers
import Testing

/// Each test runs with and without permessage-deflate (swift-websocket's
/// client offers it as browsers do); both get the event-loop session
/// (`DirectWebSocketSession`).
@Suite(.timeLimit(.minutes(1))) struct WebSocketProtocolTests {
    @Test(arguments: [false, true]) func subscribeGetsFullThenDeltas(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b"))])
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe()
                let subscribed = try await ws.nextSkippingPings()
                #expect(subscribed.type == "subscribed")
                #expect(subscribed.payload["channels"] as? [String] == ["topology"])
                #expect(subscribed.payload["resumed"] as? Bool == false)
                let full = try await ws.nextSkippingPings()
                #expect(full.type == "topology")
                #expect(try full.update().kind == .full)
                #expect(try full.update().topology?.entities.count == 2)
                #expect(full.id == String(server.store.revision))

                server.store.apply([.upsertEntity(entity("c")), .upsertEntity(entity("a", cpu: 50))])
                let add = try await ws.nextSkippingPings()
                let update = try await ws.nextSkippingPings()
                #expect(try add.update().kind == .add)
                #expect(try update.update().kind == .update)
                #expect(try update.update().entity?.cpuPercent == 50)
                #expect(update.id == String(server.store.revision))
            }
        }
    }

    @Test(arguments: [false, true]) func resumeGivesExactlyTheMissedUpdates(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let seen = server.store.revision
            for i in 0..<3 { server.store.apply([.upsertEntity(entity("p\(i)"))]) }
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology"],"resume_from":"\#(seen)"}"#)
                let subscribed = try await ws.nextSkippingPings()
                #expect(subscribed.payload["resumed"] as? Bool == true)
                var names: [String] = []
                for _ in 0..<3 { names.append(try await ws.nextSkippingPings().update().entity?.name ?? "") }
                #expect(names == ["p0", "p1", "p2"])
                try await ws.send(#"{"type":"ping"}"#)
                #expect(try await ws.nextSkippingPings().type == "pong")
            }
            // An id from another history (the future) earns a full.
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology"],"resume_from":"99999999999999999"}"#)
                #expect(try await ws.nextSkippingPings().payload["resumed"] as? Bool == false)
                #expect(try await ws.nextSkippingPings().update().kind == .full)
            }
        }
    }

    @Test(arguments: [false, true]) func filteredSubscriptionAndEvents(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            server.store.apply([
                .upsertEntity(entity("a", namespace: "shop")), .upsertEntity(entity("b", namespace: "ops")),
            ])
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology","events"],"filter":{"namespaces":["ops"]}}"#)
                let subscribed = try await ws.nextSkippingPings()
                #expect(Set(subscribed.payload["channels"] as? [String] ?? []) == ["topology", "events"])
                let full = try await ws.nextSkippingPings().update()
                #expect(full.topology?.entities.map(\.name) == ["b"])
                let recorded = server.store.record(
                    InfraEvent(
                        type: "Warning", reason: "BackOff", message: "restarting", entityID: "x", entityKind: .pod,
                        entityName: "x", severity: .warning
                    ))
                let event = try await ws.nextSkippingPings()
                #expect(event.type == "event")
                #expect(event.id == String(recorded.seq))
                #expect(event.payload["reason"] as? String == "BackOff")
            }
        }
    }

    @Test(arguments: [false, true]) func pingIsAnsweredWithPong(deflate: Bool) async throws {
        try await withLiveServer { _, port in
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.send(#"{"type":"ping","id":"p1"}"#)
                let pong = try await ws.nextSkippingPings()
                #expect(pong.type == "pong")
                #expect(pong.payload["in_reply_to"] as? String == "p1")
            }
        }
    }

    @Test(arguments: [
        ("{not json", "invalid_json"),
        (#"{"type":"launch"}"#, "unknown_type"),
        (#"{"payload":{}}"#, "missing_field"),
        (#"{"type":"subscribe"}"#, "missing_field"),
        (#"{"type":"subscribe","payload":{"channels":["weather"]}}"#, "invalid_field"),
        (#"{"type":"subscribe","payload":{"channels":["topology"],"filter":{"kinds":["rocket"]}}}"#, "invalid_field"),
        (#"[1,2]"#, "invalid_message"),
    ])
    func invalidMessageGetsErrorAndStaysOpen(message: String, code: String) async throws {
        try await withLiveServer { _, port in
            let close = try await connectWS(port: port) { ws in
                try await ws.send(message)
                let error = try await ws.nextSkippingPings()
                #expect(error.type == "error")
                #expect(error.payload["code"] as? String == code)
                #expect((error.payload["message"] as? String)?.isEmpty == false)
                // Still open: a ping is answered.
                try await ws.send(#"{"type":"ping"}"#)
                #expect(try await ws.nextSkippingPings().type == "pong")
            }
            #expect(close?.closeCode == .normalClosure)
        }
    }

    @Test(arguments: [false, true]) func oversizedFrameClosesWith1009(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let close = try await connectWS(port: port, deflate: deflate) { ws in
                let huge = #"{"type":"ping","pad":""# + String(repeating: "x", count: 200_000) + #""}"#
                try await ws.send(huge)
                while try await ws.next() != nil {}
            }
            #expect(close?.closeCode == .messageTooLarge)
            try await waitUntil("the server counts the disconnect") { server.registry.count == 0 }
        }
    }

    @Test(arguments: [false, true]) func floodOfInvalidMessagesClosesWith1008(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let close = try await connectWS(port: port, deflate: deflate) { ws in
                for _ in 0..<30 { try await ws.send("garbage") }
                while try await ws.next() != nil {}
            }
            #expect(close?.closeCode == .policyViolation)
            try await waitUntil("policy violation counted") {
                server.stats.snapshot.disconnectsByReason[.policyViolation] == 1
            }
        }
    }

    // The heartbeat's rules on a test clock: WebSocketHeartbeatTests; a
    // silent peer's 1001 end to end: WebSocketContractTests.deadPeerIsClosedWith1001.

    @Test(arguments: [false, true]) func broadcastReachesEveryWebSocketClient(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            try await connectWS(port: port, deflate: deflate, query: "?session_id=tab-1") { ws in
                try await ws.send(#"{"type":"ping"}"#)
                _ = try await ws.nextSkippingPings()
                #expect(server.registry.isConnected(sessionID: "tab-1"))
                let delivered = server.registry.broadcast(
                    BroadcastMessage(type: "warning", payload: Array(#"{"message":"maintenance at noon"}"#.utf8)))
                #expect(delivered == 1)
                let warning = try await ws.nextSkippingPings()
                #expect(warning.type == "warning")
                #expect(warning.payload["message"] as? String == "maintenance at noon")
            }
            try await waitUntil("session gone") { !server.registry.isConnected(sessionID: "tab-1") }
        }
    }

    @Test(arguments: [false, true]) func unsubscribeStopsUpdates(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe()
                _ = try await ws.nextSkippingPings()
                _ = try await ws.nextSkippingPings()
                try await ws.send(#"{"type":"unsubscribe","payload":{"channels":["topology"]}}"#)
                let answer = try await ws.nextSkippingPings()
                #expect(answer.type == "subscribed")
                #expect(answer.payload["channels"] as? [String] == [])
                server.store.apply([.upsertEntity(entity("late"))])
                try await ws.send(#"{"type":"ping"}"#)
                // The next message is the pong: no topology after unsubscribe.
                #expect(try await ws.nextSkippingPings().type == "pong")
            }
        }
    }
}
