import FoundationEssentials
import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import Synchronization
import TestPeers
import Testing

@testable import GestaltServer

/// A connection whose first request opens the topology stream is served
/// straight from the event loop (`DirectStreams`); every other first request,
/// and everything after it, goes to the router. Both must look the same to
/// a client, however the request's bytes arrive.
@Suite(.timeLimit(.minutes(2))) struct DirectStreamTests {
    static let streamRequest =
        "GET /api/infra/topology/stream?kinds=pod HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n\r\n"

    static func head(_ text: String) -> RequestHead? {
        let buffer = ByteBuffer(string: text)
        return RequestHead(buffer.readableBytesView)
    }

    @Test func readsOnlyPlainRequestHeads() throws {
        let head = try #require(Self.head("GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: t\r\nLast-Event-ID:  42 \r\n\r\n"))
        #expect(head.method == "GET" && head.target == "/a/b?x=1&y=%20" && head.version == "HTTP/1.1")
        #expect(head.path == "/a/b")
        #expect(head.header("last-event-id") == "42")
        #expect(head.header("missing") == nil)
        #expect(
            Self.head("GET /a HTTP/1.1\r\nA: 1\r\nA: 2\r\n\r\n")?.header("a") == nil, "a repeated header is ambiguous")
        for bad in [
            "GET /a HTTP/1.1\r\nHost: t\r\n",  // no blank line
            "GET /a\r\n\r\n",  // no version
            "GET a HTTP/1.1\r\n\r\n",  // not a path
            "GET /a HTTP/1.1\r\nNo colon\r\n\r\n",
            "GET /a HTTP/1.1\r\nA: 1\r\n  folded\r\n\r\n",
            "GET /a HTTP/1.1\r\nBad Name: 1\r\n\r\n",
        ] {
            #expect(Self.head(bad) == nil, "\(bad.debugDescription)")
        }
    }

    /// The client's half-close comes in the same read as its request, while
    /// the connection is being handed to Hummingbird: the router must still
    /// hear it, answer, and close, not keep the connection open for ever.
    @Test func requestThenHalfCloseIsAnsweredAndClosed() async throws {
        try await withLiveServer { _, port in
            let raw = try await RawConnection(port: port)
            try await raw.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            try await raw.halfClose()
            let answer = try await raw.readToEnd()
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            raw.close()
        }
    }

    @Test func tellsStreamRequestsApartFromTheirFirstLine() {
        let server = makeServer()
        let direct = DirectStreams(
            session: .init(
                store: server.store, registry: server.registry, fanout: server.fanout,
                heartbeat: WebSocketHeartbeat(interval: .seconds(30)),
                stream: StreamOptions(), options: WebSocketOptions()
            ))
        func wants(_ text: String) -> Bool? { direct.wants(ByteBuffer(string: text).readableBytesView) }
        #expect(wants("") == nil)
        #expect(wants("GET /api/infra/top") == nil)
        #expect(wants("GET /api/infra/topology/stream") == nil)
        #expect(wants("GET /api/infra/topology/stream?") == true)
        #expect(wants("GET /api/infra/topology/stream ") == true)
        #expect(wants("GET /api/infra/topology/streams ") == false)
        #expect(wants("GET /api/infra/topology ") == false)
        #expect(wants("POST /api/infra/topology/stream ") == false)
        #expect(wants("G") == nil)
        #expect(wants("X") == false)
        #expect(wants("GET /api/infra/w") == nil)
        #expect(wants("GET /api/infra/ws?session_id=a") == true)
        #expect(wants("GET /api/infra/wss ") == false)
        func accepted(_ text: String) -> Bool { Self.head(text).flatMap(direct.accept) != nil }
        #expect(accepted(Self.streamRequest))
        #expect(
            !accepted("GET /api/infra/topology/stream HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n"),
            "no Host: the router answers")
        #expect(
            !accepted("GET /api/infra/topology/stream HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            "two Hosts: the router answers")
        #expect(!accepted("GET /api/infra/topology/stream HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"))
    }

    @Test func firstRequestStreamIsServedDirectlyEvenByteByByte() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("p1")), .upsertEntity(entity("db", kind: .database))])
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.trickle(Self.streamRequest)
            let text = try await connection.read(until: { $0.contains("\"kind\":\"full\"") && $0.contains("\r\n\r\n") })
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.lowercased().contains("content-type: text/event-stream"))
            #expect(text.lowercased().contains("transfer-encoding: chunked"))
            #expect(text.contains("event: connected"))
            #expect(text.lowercased().contains("\r\ndate: "))
            try await waitUntil("the stream joined the fan-out") { server.fanout.clientCount == 1 }
            // Filtered as asked: the pod, not the database.
            #expect(text.contains("\"name\":\"p1\""))
            #expect(!text.contains("\"kind\":\"database\""))
            server.store.apply([.upsertEntity(entity("p2"))])
            try await connection.read(until: { $0.contains("\"name\":\"p2\"") })
        }
    }

    /// A connection's first read is 256 bytes (`StreamDispatchChannel`):
    /// requests of several reads, sent in one write, are still read whole,
    /// by the direct stream and by the router, body and all.
    @Test func requestsLongerThanTheFirstReadAreReadWhole() async throws {
        let padding = "X-Padding: " + String(repeating: "p", count: 3_000) + "\r\n"
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("p1"))])
            let stream = try await RawConnection(port: port)
            defer { stream.close() }
            try await stream.send(
                "GET /api/infra/topology/stream?kinds=pod HTTP/1.1\r\nHost: t\r\n\(padding)Accept: text/event-stream\r\n\r\n"
            )
            let text = try await stream.read(until: { $0.contains("\"kind\":\"full\"") && $0.contains("\r\n\r\n") })
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("\"name\":\"p1\""))

            let body = #"{"name":"big","id":"big","labels":{"note":"\#(String(repeating: "b", count: 5_000))"}}"#
            let post = try await RawConnection(port: port)
            defer { post.close() }
            try await post.send(
                "POST /api/graph/nodes HTTP/1.1\r\nHost: t\r\n\(padding)Content-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let answer = try await post.read(until: { $0.contains("\r\n\r\n") && $0.hasSuffix("}") })
            #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer.prefix(200))")
            #expect(answer.contains(String(repeating: "b", count: 5_000)), "the whole body was read")
        }
    }

    /// The answer to `request`, the first on a fresh connection, up to the end of its JSON error body.
    static func errorAnswer(to request: String) async throws -> String {
        let answer = Mutex("")
        try await withLiveServer { _, port in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.send(request)
            let text = try await connection.read(until: { $0.contains("}}") })
            answer.withLock { $0 = text }
        }
        return answer.withLock { $0 }
    }

    @Test func badQueryOnAFreshConnectionGetsTheRoutersJSONError() async throws {
        let text = try await Self.errorAnswer(
            to: "GET /api/infra/topology/stream?kinds=nope HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(text.hasPrefix("HTTP/1.1 400"))
        #expect(text.contains("\"code\":\"bad_query_parameter\""))
    }

    @Test func otherFirstRequestsKeepTheConnectionForTheRouter() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("p1"))])
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            // Split mid-line and pipelined: the router must see every byte.
            try await connection.send("GET /api/infra/hea")
            try await Task.sleep(for: .milliseconds(20))
            try await connection.send(
                "lth HTTP/1.1\r\nHost: t\r\n\r\nGET /api/infra/health HTTP/1.1\r\nHost: t\r\n\r\n")
            try await connection.read(until: {
                $0.components(separatedBy: "HTTP/1.1 200 OK").count == 3 && $0.hasSuffix("}")
            })
            // Then the stream on the same kept-alive connection, through the router.
            try await connection.send(Self.streamRequest)
            try await connection.read(until: { $0.contains("\"kind\":\"full\"") })
            // The opening is flushed a moment before the client joins its loop's list.
            try await waitUntil("the stream joined the fan-out") { server.fanout.clientCount == 1 }
        }
    }

    @Test func http10RequestsGoToTheRouter() async throws {
        try await withLiveServer { _, port in
            let old = try await RawConnection(port: port)
            defer { old.close() }
            try await old.send("GET /api/infra/topology/stream HTTP/1.0\r\n\r\n")
            let text = try await old.read(until: { $0.contains("\"kind\":\"full\"") })
            #expect(text.contains(" 200 OK\r\n"))
        }
    }

    @Test func serverShutdownEndsADirectStreamCleanly() async throws {
        try await withLiveServer { server, port in
            let connection = try await RawConnection(port: port)
            defer { connection.close() }
            try await connection.send(Self.streamRequest)
            try await connection.read(until: { $0.contains("event: connected") })
            server.store.topologySignal.close()
            let text = try await connection.readToEnd()
            #expect(text.hasSuffix("0\r\n\r\n"), "the chunked body is terminated before the connection closes")
            #expect(connection.ended)
            #expect((server.registry.snapshot().connections[.sse] ?? 0) == 0)
        }
    }

    @Test func aClientThatLeavesIsDeregistered() async throws {
        try await withLiveServer { server, port in
            let connection = try await RawConnection(port: port)
            try await connection.send(Self.streamRequest)
            try await connection.read(until: { $0.contains("event: connected") })
            #expect(server.registry.snapshot().connections[.sse] == 1)
            connection.close()
            try await waitUntil("the stream deregistered") { (server.registry.snapshot().connections[.sse] ?? 0) == 0 }
            #expect((server.registry.snapshot().connections[.sse] ?? 0) == 0)
            #expect(server.fanout.clientCount == 0)
        }
    }

    @Test func webSocketUpgradeIsServedDirectlyWithOrWithoutDeflate() async throws {
        try await withLiveServer { _, port in
            let handshake =
                "GET /api/infra/ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            let plain = try await RawConnection(port: port)
            defer { plain.close() }
            try await plain.trickle(handshake + "\r\n")
            let direct = try await plain.read(until: { $0.contains("\r\n\r\n") })
            #expect(direct.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
            // RFC 6455's own example key and answer.
            #expect(direct.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
            #expect(!direct.contains("permessage-deflate"))

            let deflating = try await RawConnection(port: port)
            defer { deflating.close() }
            try await deflating.send(handshake + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
            let routed = try await deflating.read(until: { $0.contains("\r\n\r\n") })
            #expect(routed.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
            #expect(
                routed.contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"),
                "the direct session negotiates compression")
        }
    }

    @Test func badWebSocketHandshakeGetsTheRoutersAnswer() async throws {
        let text = try await Self.errorAnswer(to: "GET /api/infra/ws HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(text.hasPrefix("HTTP/1.1 426"))
        #expect(text.contains("\"code\":\"upgrade_required\""))
    }
}
