import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `kinds` on the events routes, repeated (`kinds=pod&kinds=service`) or
/// comma-separated (`kinds=pod,service`): exactly the events of every kind
/// named, on `GET /api/infra/events` and on its stream.
@Suite struct EventKindsFilterTests {
    static let queries = ["kinds=pod&kinds=service", "kinds=pod,service"]

    static func event(_ reason: String, _ kind: EntityKind) -> InfraEvent {
        InfraEvent(
            type: "Normal", reason: reason, message: "m", entityID: "e-\(reason)", entityKind: kind,
            entityName: reason, severity: .info)
    }

    /// Events of pods, services and two kinds not asked for, interleaved.
    static let recorded: [InfraEvent] = [
        event("pod1", .pod), event("deploy1", .deployment), event("svc1", .service), event("node1", .node),
        event("pod2", .pod), event("deploy2", .deployment), event("svc2", .service),
    ]
    static let wanted: Set<String> = ["pod1", "svc1", "pod2", "svc2"]

    @Test(arguments: EventKindsFilterTests.queries) func restRouteReturnsExactlyBothKinds(query: String) async throws {
        let server = makeServer()
        for event in Self.recorded { server.store.record(event) }
        try await server.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/infra/events?\(query)", method: .get)
            #expect(response.status == .ok)
            let events =
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]] ?? []
            let reasons = events.compactMap { $0["reason"] as? String }
            #expect(reasons.count == Self.wanted.count, "each once: \(reasons)")
            #expect(Set(reasons) == Self.wanted)
        }
    }

    @Test(arguments: EventKindsFilterTests.queries) func streamSendsExactlyBothKinds(query: String) async throws {
        let server = makeServer()
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/events/stream?\(query)")
            #expect(try await sse.next().retry != nil)
            #expect(try await sse.next().event == "connected")
            for event in Self.recorded { server.store.record(event) }
            // The stream is in order, so the kinds not asked for would show among these four.
            let reasons = try await sse.dataMessages(4).map { try $0.json()["reason"] as? String }
            #expect(reasons == ["pod1", "svc1", "pod2", "svc2"])
        }
    }
}
