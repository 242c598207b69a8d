import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing

@Suite struct GraphAPITests {
    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test func nodeLifecycle() async throws {
        let server = makeServer()
        try await server.application().test(.router) { client in
            let created = try await client.execute(
                uri: "/api/graph/nodes", method: .post,
                body: ByteBuffer(
                    string: #"{"name":"billing","kind":"service","namespace":"shop","labels":{"team":"pay"}}"#))
            #expect(created.status == .created)
            let node = try json(created.body)
            let id = try #require(node["id"] as? String)
            #expect(id.hasPrefix("api:"))
            #expect(node["source"] as? String == "api")
            #expect(node["kind"] as? String == "service")

            let custom = try await client.execute(
                uri: "/api/graph/nodes", method: .post,
                body: ByteBuffer(string: #"{"name":"thing","id":"my/own:id","health":0.4}"#))
            #expect(try json(custom.body)["kind"] as? String == "custom")
            #expect(try json(custom.body)["health"] as? Double == 0.4)

            let patched = try await client.execute(
                uri: "/api/graph/nodes/my%2Fown:id", method: .patch,
                body: ByteBuffer(string: #"{"status":"failed","name":"renamed"}"#))
            #expect(patched.status == .ok)
            #expect(try json(patched.body)["name"] as? String == "renamed")
            #expect(try json(patched.body)["health"] as? Double == 0.4, "an explicitly set health stays")

            let edge = try await client.execute(
                uri: "/api/graph/edges", method: .post,
                body: ByteBuffer(
                    string:
                        "{\"source_id\":\"\(id)\",\"target_id\":\"my/own:id\",\"kind\":\"grpc\",\"requests_per_sec\":5}"
                ))
            #expect(edge.status == .created)
            let edgeID = try #require(try json(edge.body)["id"] as? String)
            #expect(edgeID == "\(id)->my/own:id:grpc")

            let fetched = try await client.execute(uri: "/api/infra/entities/my%2Fown:id", method: .get)
            #expect(fetched.status == .ok)

            let deleted = try await client.execute(uri: "/api/graph/nodes/my%2Fown:id", method: .delete)
            #expect(deleted.status == .noContent)
            #expect(server.store.connectionCount == 0, "its connections go with it")
            let edgeGone = try await client.execute(
                uri: "/api/graph/edges/\(edgeID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                method: .delete)
            #expect(edgeGone.status == .notFound)
        }
    }

    @Test func edgeDelete() async throws {
        let server = makeServer()
        try server.store.create(Entity(id: "api:a", kind: .custom, name: "a", source: "api"))
        try server.store.create(Entity(id: "api:b", kind: .custom, name: "b", source: "api"))
        try await server.application().test(.router) { client in
            let edge = try await client.execute(
                uri: "/api/graph/edges", method: .post,
                body: ByteBuffer(string: #"{"source_id":"api:a","target_id":"api:b"}"#))
            #expect(try json(edge.body)["kind"] as? String == "depends")
            let response = try await client.execute(uri: "/api/graph/edges/api:a-%3Eapi:b:depends", method: .delete)
            #expect(response.status == .noContent)
            #expect(server.store.connectionCount == 0)
        }
    }

    @Test func readRoutes() async throws {
        let server = makeServer()
        server.store.apply([.upsertEntity(entity("a")), .upsertEntity(entity("web", kind: .service))])
        server.store.record(
            InfraEvent(
                type: "Warning", reason: "BackOff", message: "m", entityID: entity("a").id, entityKind: .pod,
                entityName: "a", severity: .warning))
        try await server.application().test(.router) { client in
            let topology = try json(try await client.execute(uri: "/api/infra/topology?kinds=pod", method: .get).body)
            #expect((topology["entities"] as? [Any])?.count == 1)
            #expect((topology["summary"] as? [String: Any])?["total_entities"] as? Int == 1)
            let health = try json(try await client.execute(uri: "/api/infra/health", method: .get).body)
            #expect(health["total_entities"] as? Int == 2)
            #expect(((health["by_kind"] as? [String: Any])?["pod"] as? [String: Any])?["count"] as? Int == 1)
            let events = try await client.execute(uri: "/api/infra/events?severity=warning&limit=5", method: .get)
            let list = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: events.body)) as? [[String: Any]])
            #expect(list.first?["reason"] as? String == "BackOff")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: metrics.body).contains("gestalt_topology_entities 2"))
        }
    }

    @Test func readinessWaitsForSources() async throws {
        let server = makeServer()
        server.statusBoard.set("simulator", .syncing)
        try await server.application().test(.router) { client in
            let syncing = try await client.execute(uri: "/readyz", method: .get)
            #expect(syncing.status == .serviceUnavailable)
            server.statusBoard.set("simulator", .ready)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
        }
    }
}
