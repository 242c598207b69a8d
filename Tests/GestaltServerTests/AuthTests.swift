import AsyncHTTPClient
import Foundation
import GestaltConfig
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import TestPeers
import Testing

/// Tokens and scopes on REST, SSE and the WebSocket (docs/AUTH.md).
@Suite(.timeLimit(.minutes(2))) struct AuthTests {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    func names(_ buffer: ByteBuffer) throws -> Set<String> {
        let topology = try JSONDecoder().decode(Topology.self, from: Data(buffer: buffer))
        return Set(topology.entities.map(\.name))
    }

    func errorCode(_ buffer: ByteBuffer) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func restScopesAndRefusals() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        try await server.application().test(.router) { client in
            let none = try await client.execute(uri: "/api/infra/topology", method: .get)
            #expect(none.status == .unauthorized)
            #expect(try errorCode(none.body) == "unauthorized")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

            let bad = try await client.execute(
                uri: "/api/infra/topology", method: .get, headers: Self.bearer("not-a-token-at-all"))
            #expect(bad.status == .unauthorized)
            #expect(try errorCode(bad.body) == "invalid_token")

            let read = try await client.execute(
                uri: "/api/infra/topology", method: .get, headers: Self.bearer(AuthFixture.reader))
            #expect(read.status == .ok)
            #expect(try names(read.body) == ["shop-prod", "shop-dev", "ops-prod"])

            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "probes need no token")

            // The graph API and jobs need `write`.
            let node = ByteBuffer(string: #"{"name":"billing","kind":"service","namespace":"shop"}"#)
            let denied = try await client.execute(
                uri: "/api/graph/nodes", method: .post, headers: Self.bearer(AuthFixture.reader), body: node)
            #expect(denied.status == .forbidden)
            #expect(try errorCode(denied.body) == "insufficient_scope")
            #expect(server.store.entityCount == 3, "a refused write changes nothing")
            // Spellings the router resolves to the same routes are judged as those routes.
            for path in ["/api//graph/nodes", "//api/graph/nodes", "/api/%67raph/nodes"] {
                let sneaked = try await client.execute(
                    uri: path, method: .post, headers: Self.bearer(AuthFixture.reader), body: node)
                #expect(sneaked.status == .forbidden, "\(path)")
            }
            #expect(server.store.entityCount == 3)
            let jobs = try await client.execute(
                uri: "/api/jobs", method: .get, headers: Self.bearer(AuthFixture.reader))
            #expect(jobs.status == .forbidden)
            let created = try await client.execute(
                uri: "/api/graph/nodes", method: .post, headers: Self.bearer(AuthFixture.writer), body: node)
            #expect(created.status == .created)
            #expect(
                try await client.execute(uri: "/api/jobs", method: .get, headers: Self.bearer(AuthFixture.writer))
                    .status == .ok)
        }
    }

    @Test func restRestrictions() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        for entity in AuthFixture.map { server.store.record(AuthFixture.event(about: entity)) }
        try await server.application().test(.router) { client in
            let shop = try await client.execute(
                uri: "/api/infra/topology", method: .get, headers: Self.bearer(AuthFixture.shopOnly))
            #expect(try names(shop.body) == ["shop-prod", "shop-dev"])
            // The client's filter narrows the token's scope, never widens it.
            let widened = try await client.execute(
                uri: "/api/infra/topology?namespaces=ops", method: .get, headers: Self.bearer(AuthFixture.shopOnly))
            #expect(try names(widened.body) == [])
            let prod = try await client.execute(
                uri: "/api/infra/topology", method: .get, headers: Self.bearer(AuthFixture.prodOnly))
            #expect(try names(prod.body) == ["shop-prod", "ops-prod"])

            let events = try await client.execute(
                uri: "/api/infra/events", method: .get, headers: Self.bearer(AuthFixture.prodOnly))
            let eventNames = try
                (JSONSerialization.jsonObject(with: Data(buffer: events.body)) as? [[String: Any]] ?? []).compactMap {
                    $0["entity_name"] as? String
                }
            #expect(Set(eventNames) == ["shop-prod", "ops-prod"])

            // Routes that could show more than the token allows refuse it
            // (those that narrow their answer: AuthNarrowingTests).
            for path in ["/api/infra/sources", "/api/plugins", "/api/infra/health", "/state"] {
                let refused = try await client.execute(
                    uri: path, method: .get, headers: Self.bearer(AuthFixture.shopOnly))
                #expect(refused.status == .forbidden, "\(path)")
                #expect(try errorCode(refused.body) == "restricted_token", "\(path)")
            }
        }
    }

    @Test(arguments: ["hs", "rs", "es"]) func jwtOfEachAlgorithm(kid: String) async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        let reader = try await fixture.jwt(kid: kid)
        let writer = try await fixture.jwt(kid: kid, scope: "read write")
        let shop = try await fixture.jwt(kid: kid, namespaces: ["shop"], clusters: ["prod"])
        let expired = try await fixture.jwt(kid: kid, expiresIn: -60)
        try await server.application().test(.router) { client in
            #expect(
                try await client.execute(uri: "/api/infra/topology", method: .get, headers: Self.bearer(reader)).status
                    == .ok)
            let restricted = try await client.execute(
                uri: "/api/infra/topology", method: .get, headers: Self.bearer(shop))
            #expect(try names(restricted.body) == ["shop-prod"])
            let node = ByteBuffer(string: #"{"name":"billing"}"#)
            #expect(
                try await client.execute(
                    uri: "/api/graph/nodes", method: .post, headers: Self.bearer(reader), body: node
                ).status == .forbidden)
            #expect(
                try await client.execute(
                    uri: "/api/graph/nodes", method: .post, headers: Self.bearer(writer), body: node
                ).status == .created)
            let old = try await client.execute(uri: "/api/infra/topology", method: .get, headers: Self.bearer(expired))
            #expect(old.status == .unauthorized)
            #expect(String(buffer: old.body).contains("expired"))
            // A token signed by a key the server does not hold.
            let forged = String(reader.dropLast(4)) + (reader.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            #expect(
                try await client.execute(uri: "/api/infra/topology", method: .get, headers: Self.bearer(forged)).status
                    == .unauthorized)
        }
    }

    @Test func sseRefusalsAndRestrictions() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        let expired = try await fixture.jwt(kid: "hs", expiresIn: -60)
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            for path in ["/api/infra/topology/stream", "/api/infra/events/stream"] {
                #expect(try await SSEClient(port: port, path: path).response.status == .unauthorized)
                #expect(
                    try await SSEClient(port: port, path: path + "?access_token=wrong-token-0123456789").response.status
                        == .unauthorized)
                #expect(
                    try await SSEClient(port: port, path: path + "?access_token=\(expired)").response.status
                        == .unauthorized)
            }

            // The browser's way: the token in the query.
            let topology = try await SSEClient(
                port: port, path: "/api/infra/topology/stream?access_token=\(AuthFixture.shopOnly)")
            #expect(topology.response.status == .ok)
            let full = try await topology.dataMessages(1)[0].update()
            #expect(Set(full.topology?.entities.map(\.name) ?? []) == ["shop-prod", "shop-dev"])
            let events = try await SSEClient(
                port: port, path: "/api/infra/events/stream",
                headers: [("Authorization", "Bearer \(AuthFixture.prodOnly)")])
            #expect(events.response.status == .ok)

            // Out of scope first, in scope last: the stream shows only the last.
            server.store.apply([.upsertEntity(AuthFixture.clustered("ops-new", namespace: "ops", cluster: "dev"))])
            server.store.apply([.upsertEntity(AuthFixture.clustered("shop-new", namespace: "shop", cluster: "dev"))])
            let next = try await topology.dataMessages(1)[0].update()
            #expect(next.kind == .add)
            #expect(next.entity?.name == "shop-new")

            server.store.record(AuthFixture.event(about: AuthFixture.clustered("x", namespace: "ops", cluster: "dev")))
            server.store.record(AuthFixture.event(about: AuthFixture.map[2]))
            let event = try await events.dataMessages(1)[0].json()
            #expect(event["entity_name"] as? String == "ops-prod")
        }
    }

    @Test func webSocketRefusalsAndRestrictions() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            // A refused upgrade is answered with the HTTP status and the API's
            // JSON error, on every WebSocket route, and nothing is upgraded.
            let expired = try await fixture.jwt(kid: "es", expiresIn: -60)
            let refusals: [(path: String, query: String, status: Int, code: String)] =
                ["/api/infra/ws", "/v1/realtime", "/ws"].flatMap { path in
                    [
                        (path, "", 401, "unauthorized"),
                        (path, "?access_token=wrong-token-0123456789", 401, "invalid_token"),
                        (path, "?access_token=\(expired)", 401, "invalid_token"),
                        (path, "?access_token=\(AuthFixture.writeOnly)", 403, "insufficient_scope"),
                    ]
                } + [("/ws", "?access_token=\(AuthFixture.shopOnly)", 403, "restricted_token")]
            for refusal in refusals {
                let raw = try await RawConnection(port: port)
                try await raw.send(
                    "GET \(refusal.path)\(refusal.query) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                )
                // The server closes the connection after its answer.
                let answer = try await raw.readToEnd()
                raw.close()
                let what: Comment = "\(refusal.path) \(refusal.code)"
                #expect(answer.hasPrefix("HTTP/1.1 \(refusal.status) "), "\(what): \(answer.prefix(40))")
                let parts = answer.components(separatedBy: "\r\n\r\n")
                #expect(parts.count == 2, what)
                let head = parts[0].lowercased()
                #expect(head.contains("content-type: application/json"), what)
                #expect(head.contains("www-authenticate: bearer realm=\"gestalt\""), what)
                let body = parts.last ?? ""
                #expect(head.contains("content-length: \(body.utf8.count)"), what)
                #expect(try errorCode(ByteBuffer(string: body)) == refusal.code, what)
            }
            // A token that may use the route still upgrades on each of them.
            for path in ["/api/infra/ws", "/v1/realtime", "/ws"] {
                let raw = try await RawConnection(port: port)
                try await raw.send(
                    "GET \(path)?access_token=\(AuthFixture.reader) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                )
                #expect(try await raw.read(until: { $0.contains("\r\n\r\n") }).hasPrefix("HTTP/1.1 101"), "\(path)")
                raw.close()
            }
            // Without upgrade headers the HTTP router answers with the status itself.
            let raw = try await RawConnection(port: port)
            try await raw.send("GET /api/infra/ws?access_token=wrong-token-0123456789 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await raw.read(until: { $0.contains("\r\n\r\n") }).hasPrefix("HTTP/1.1 401"))
            raw.close()

            var logger = Logger(label: "ws-test")
            logger.logLevel = .warning
            try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/api/infra/ws",
                configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: Self.bearer(AuthFixture.shopOnly)),
                logger: logger
            ) { inbound, outbound, _ in
                var ws = WSProbe(inbound, outbound)
                try await ws.subscribe(#"{"channels":["topology","events","jobs"]}"#)
                let subscribed = try await ws.nextSkippingPings()
                #expect(
                    Set(subscribed.payload["channels"] as? [String] ?? []) == ["topology", "events"],
                    "no jobs channel for a restricted token")
                let full = try await ws.nextSkippingPings().update()
                #expect(Set(full.topology?.entities.map(\.name) ?? []) == ["shop-prod", "shop-dev"])
                // Broadcasts name what no filter narrows: a restricted session gets none.
                _ = server.registry.broadcast(
                    BroadcastMessage(type: "warning", payload: Array(#"{"code":"x","message":"ops-prod"}"#.utf8)))
                server.store.apply([.upsertEntity(AuthFixture.clustered("ops-new", namespace: "ops", cluster: "prod"))])
                server.store.record(AuthFixture.event(about: AuthFixture.map[2]))
                server.store.apply([
                    .upsertEntity(AuthFixture.clustered("shop-new", namespace: "shop", cluster: "prod"))
                ])
                server.store.record(AuthFixture.event(about: AuthFixture.map[0]))
                let add = try await ws.nextSkippingPings()
                #expect(try add.update().entity?.name == "shop-new")
                let event = try await ws.nextSkippingPings()
                #expect(event.type == "event")
                #expect(event.payload["entity_name"] as? String == "shop-prod")
            }

            // EventSource's and WebSocket's way in browsers: the query parameter.
            try await connectWS(port: port, query: "?access_token=\(AuthFixture.prodOnly)") { ws in
                try await ws.subscribe()
                _ = try await ws.nextSkippingPings()
                let full = try await ws.nextSkippingPings().update()
                #expect(Set(full.topology?.entities.map(\.name) ?? []).allSatisfy { !$0.contains("dev") })
            }
        }
    }

    @Test func noSecretInLogs() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        let log = CapturedLog()
        let expired = try await fixture.jwt(kid: "hs", expiresIn: -60)
        let reader = try await fixture.jwt(kid: "hs")
        try await server.makeApplication(logger: log.logger()).test(.live) { client in
            for token in ["wrong-token-0123456789", expired, AuthFixture.reader] {
                _ = try await client.execute(
                    uri: "/api/graph/nodes?access_token=\(token)", method: .post, body: ByteBuffer(string: "{}"))
                _ = try await client.execute(uri: "/api/infra/topology", method: .get, headers: Self.bearer(token))
            }
            _ = try await client.execute(uri: "/api/infra/topology", method: .get, headers: Self.bearer(reader))
        }
        #expect(log.text.contains("request refused"))
        for secret in [
            AuthFixture.reader, AuthFixture.writer, AuthFixture.hmacSecret, expired, reader, "wrong-token-0123456789",
        ] {
            #expect(!log.text.contains(secret))
        }
        #expect(!fixture.settings.description.contains(AuthFixture.reader))
        #expect(!fixture.settings.description.contains(AuthFixture.hmacSecret))
    }

    @Test func restrictionMatchesByIDForEvents() {
        let restriction = AccessRestriction(namespaces: ["shop"], clusters: ["prod"])
        #expect(restriction.admits(AuthFixture.map[0]))
        #expect(!restriction.admits(AuthFixture.map[1]))
        #expect(!restriction.admits(AuthFixture.map[2]))
        #expect(restriction.admits(AuthFixture.event(about: AuthFixture.map[0])))
        #expect(!restriction.admits(AuthFixture.event(about: AuthFixture.map[2])))
        // An id that says neither namespace nor cluster is refused by a restriction on them.
        let api = InfraEvent(
            type: "Normal", reason: "x", message: "", entityID: "api:thing", entityKind: .custom, entityName: "thing",
            severity: .info)
        #expect(!restriction.admits(api))
        #expect(AccessRestriction.none.admits(api))
        #expect(AccessRestriction.namespace(ofID: "k8s@prod:namespace/shop", kind: .namespace) == "shop")
        #expect(AccessRestriction.cluster(ofID: "docker@build:container/x") == "build")
        #expect(AccessRestriction.cluster(ofID: "k8s:pod/a/b") == nil)
    }
}
