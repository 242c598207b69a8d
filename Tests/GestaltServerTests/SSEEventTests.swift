import GestaltEngine
import GestaltModel
import GestaltServer
import HummingbirdTesting
import Testing

@Suite struct SSEEventTests {
    func event(_ reason: String, severity: Severity = .info, kind: EntityKind = .pod) -> InfraEvent {
        InfraEvent(
            type: "Normal", reason: reason, message: "m", entityID: "p", entityKind: kind, entityName: "p",
            severity: severity)
    }

    @Test func streamsNewEventsKeyedOnSeq() async throws {
        let server = makeServer()
        server.store.record(event("old"))
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/events/stream?severity=warning")
            #expect(try await sse.next().retry != nil)
            let connected = try await sse.next()
            #expect(connected.event == "connected")
            #expect(try connected.json()["seq"] as? Int == 1)
            server.store.record(event("quiet"))
            server.store.record(event("BackOff", severity: .warning))
            let message = try await sse.dataMessages(1)[0]
            #expect(message.id == "3")
            #expect(try message.json()["reason"] as? String == "BackOff")
        }
    }

    @Test func resumeReplaysMissedEvents() async throws {
        let server = makeServer()
        for i in 0..<5 { server.store.record(event("r\(i)")) }
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/events/stream", headers: [("Last-Event-ID", "2")])
            _ = try await sse.next()
            #expect(try await sse.next().json()["resumed"] as? Bool == true)
            #expect(try await sse.dataMessages(3).map(\.id) == ["3", "4", "5"])
        }
    }
}
