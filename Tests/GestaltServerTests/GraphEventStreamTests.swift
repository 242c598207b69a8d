import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// The graph SSE bridge fed from the store's own graph API (no NATS).
@Suite struct GraphEventStreamTests {
    /// Sends one request and reads its body (an unread body holds the connection).
    @discardableResult
    func send(
        _ port: Int, _ method: HTTPMethod, _ path: String, _ body: String? = nil
    ) async throws -> HTTPResponseStatus {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status
    }

    /// The next `count` graph events (named events, so `dataMessages` would skip them).
    func graphEvents(_ sse: SSEClient, _ count: Int) async throws -> [SSEMessage] {
        var found: [SSEMessage] = []
        while found.count < count {
            let message = try await sse.next()
            if message.event?.hasPrefix("graph.") == true { found.append(message) }
        }
        return found
    }

    @Test func everyMutationBecomesAnEventInTheSeedsFormat() async throws {
        let server = makeServer()
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let sse = try await SSEClient(port: port, path: "/api/graph/events/stream")
            #expect(try await sse.next().retry != nil)
            let connected = try await sse.next()
            #expect(connected.event == "connected")
            #expect(try connected.json()["seq"] as? Int == 0)

            try await send(
                port, .POST, "/api/graph/nodes",
                #"{"id":"api:billing","name":"billing","kind":"service","namespace":"shop"}"#)
            try await send(port, .POST, "/api/graph/nodes", #"{"id":"api:ledger","name":"ledger","namespace":"shop"}"#)
            try await send(port, .PATCH, "/api/graph/nodes/api:billing", #"{"name":"billing-v2"}"#)
            try await send(
                port, .POST, "/api/graph/edges", #"{"source_id":"api:billing","target_id":"api:ledger","kind":"http"}"#)
            try await send(port, .DELETE, "/api/graph/edges/api:billing-%3Eapi:ledger:http")
            try await send(port, .DELETE, "/api/graph/nodes/api:ledger")

            let messages = try await graphEvents(sse, 6)
            #expect(
                messages.map(\.event) == [
                    "graph.node.created", "graph.node.created", "graph.node.updated",
                    "graph.edge.created", "graph.edge.deleted", "graph.node.deleted",
                ])
            #expect(messages.map(\.id) == ["1", "2", "3", "4", "5", "6"])
            let created = try messages[0].json()
            #expect(created["project_id"] as? String == "shop")
            #expect(created["node_type"] as? String == "service")
            #expect(created["node_id"] as? String == "api:billing")
            #expect(created["label"] as? String == "billing")
            #expect(try messages[2].json()["changes"] as? [String: String] == ["label": "billing-v2"])
            let edge = try messages[3].json()
            #expect(edge["from_node"] as? String == "api:billing")
            #expect(edge["to_node"] as? String == "api:ledger")
            #expect(edge["type"] as? String == "http")
            #expect(try messages[5].json()["node_id"] as? String == "api:ledger")
        }
    }

    @Test func refusedMutationsSendNothing() async throws {
        let server = makeServer()
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let sse = try await SSEClient(port: port, path: "/api/graph/events/stream")
            _ = try await sse.next()
            _ = try await sse.next()
            #expect(try await send(port, .POST, "/api/graph/nodes", #"{"name":""}"#) == .badRequest)
            #expect(try await send(port, .DELETE, "/api/graph/nodes/api:nothing") == .notFound)
            try await send(port, .POST, "/api/graph/nodes", #"{"id":"api:after","name":"after"}"#)
            let message = try await graphEvents(sse, 1)[0]
            #expect(message.id == "1", "the refused calls left no event before this one")
        }
    }

    @Test func projectFilterAndResume() async throws {
        let server = makeServer()
        // "" is every project's (a resync spans namespaces): the shop client gets it too.
        for (i, namespace) in ["shop", "ops", "shop", ""].enumerated() {
            server.graphEvents.log.append(.invalidated(projectID: namespace, reason: "r\(i)"))
        }
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let sse = try await SSEClient(
                port: port, path: "/api/graph/events/stream?project_id=shop", headers: [("Last-Event-ID", "0")])
            _ = try await sse.next()
            let connected = try await sse.next()
            #expect(try connected.json()["resumed"] as? Bool == true)
            #expect(try connected.json()["project_id"] as? String == "shop")
            let replayed = try await graphEvents(sse, 3)
            #expect(replayed.map(\.id) == ["1", "3", "4"])
            #expect(replayed.map(\.event) == ["graph.invalidated", "graph.invalidated", "graph.invalidated"])
            #expect(try replayed[1].json()["reason"] as? String == "r2")

            let stale = try await SSEClient(
                port: port, path: "/api/graph/events/stream", headers: [("Last-Event-ID", "99")])
            _ = try await stale.next()
            #expect(try await stale.next().json()["resumed"] as? Bool == false, "an id from the future starts from now")
        }
    }

    @Test func idleStreamSendsKeepalive() async throws {
        let server = makeServer { configuration, _ in configuration.stream.keepalive = .milliseconds(150) }
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/graph/events/stream")
            _ = try await sse.next()
            _ = try await sse.next()
            #expect(try await sse.next().comment == "keepalive")
        }
    }

    /// What an EventSource resends is taken as given: an id the server cannot
    /// read starts the stream from now, `resumed: false`, never a 400.
    @Test(arguments: ["abc", "-1", "1.5", "", "18446744073709551616"])
    func unreadableLastEventIDStartsFromNow(_ id: String) async throws {
        let server = makeServer()
        server.graphEvents.log.append(.invalidated(projectID: "shop", reason: "before"))
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            for (path, headers) in [
                ("/api/graph/events/stream", [("Last-Event-ID", id)]),
                ("/api/graph/events/stream?last_event_id=\(id)", []),
            ] {
                let now = server.graphEvents.log.seq
                let sse = try await SSEClient(port: port, path: path, headers: headers)
                _ = try await sse.next()
                let connected = try await sse.next().json()
                #expect(connected["resumed"] as? Bool == false)
                #expect(connected["seq"] as? Int == Int(now), "from now: the events before are not replayed")
                try await send(port, .POST, "/api/graph/nodes", #"{"name":"after-\#(path.count)"}"#)
                #expect(try await graphEvents(sse, 1)[0].event == "graph.node.created")
            }
        }
    }
}
