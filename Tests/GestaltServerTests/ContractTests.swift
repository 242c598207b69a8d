import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing

@testable import GestaltStreaming

/// The HTTP and model rules of docs/PROTOCOL.md that the code once
/// contradicted, each pinned by a test.
@Suite struct ContractTests {
    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    // MARK: conn_update

    @Test func changedTrafficIsAConnUpdateNotASecondConnAdd() throws {
        let store = TopologyStore()
        let web = entity("web", kind: .service), pod = entity("a")
        store.apply([.upsertEntity(web), .upsertEntity(pod)])
        var connection = Connection(sourceID: web.id, targetID: pod.id, kind: .http, requestsPerSec: 10)
        _ = try store.apply(.upsertConnection(connection))
        connection.requestsPerSec = 500
        let logged = try store.apply(.upsertConnection(connection))
        #expect(logged.map(\.kind) == [.connUpdate])
        let first = try #require(logged.first)
        let wire = try #require(try JSONSerialization.jsonObject(with: Data(first.json)) as? [String: Any])
        #expect(wire["kind"] as? String == "conn_update")
        #expect((wire["connection"] as? [String: Any])?["requests_per_sec"] as? Double == 500)
    }

    @Test func consecutiveConnUpdatesCoalesce() throws {
        let store = TopologyStore()
        let web = entity("web", kind: .service), pod = entity("a")
        store.apply([.upsertEntity(web), .upsertEntity(pod)])
        var connection = Connection(sourceID: web.id, targetID: pod.id, kind: .http, requestsPerSec: 10)
        _ = try store.apply(.upsertConnection(connection))
        let start = store.revision
        for rate in [100.0, 1000, 10000] {
            connection.requestsPerSec = rate
            _ = try store.apply(.upsertConnection(connection))
        }
        guard case .updates(let batch) = store.updates(after: start) else { Issue.record("log gone"); return }
        #expect(batch.map(\.kind) == [.connUpdate, .connUpdate, .connUpdate])
        #expect(
            TopologyCursor.supersededUpdates(in: batch) == [0, 1], "only the latest state of the connection is sent")
    }

    // MARK: repeated and comma-separated query parameters

    @Test(arguments: ["kinds=pod&kinds=service", "kinds=pod,service", "kinds=pod&kinds=service,namespace"])
    func listParametersMayRepeat(query: String) async throws {
        let server = makeServer()
        server.store.apply([
            .upsertEntity(entity("a")), .upsertEntity(entity("web", kind: .service)),
            .upsertEntity(entity("d", kind: .deployment)),
        ])
        try await server.application().test(.router) { client in
            let response = try await client.execute(uri: "/api/infra/topology?\(query)", method: .get)
            #expect(response.status == .ok)
            let kinds = Set(
                (try json(response.body)["entities"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
            #expect(kinds == ["pod", "service"])
        }
    }

    @Test func repeatedNamespacesAndLabels() async throws {
        let server = makeServer()
        server.store.apply([
            .upsertEntity(entity("a", namespace: "shop", labels: ["app": "web", "tier": "front"])),
            .upsertEntity(entity("b", namespace: "ops", labels: ["app": "web", "tier": "front"])),
            .upsertEntity(entity("c", namespace: "lab", labels: ["app": "web", "tier": "front"])),
            .upsertEntity(entity("d", namespace: "shop", labels: ["app": "web"])),
        ])
        try await server.application().test(.router) { client in
            for query in [
                "namespaces=shop&namespaces=ops&label=app=web&label=tier=front",
                "namespaces=shop,ops&label=app=web,tier=front",
            ] {
                let response = try await client.execute(uri: "/api/infra/topology?\(query)", method: .get)
                let names = Set(
                    (try json(response.body)["entities"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                )
                #expect(names == ["a", "b"], "\(query)")
            }
            // Which events come back is EventKindsFilterTests'.
            let events = try await client.execute(uri: "/api/infra/events?kinds=pod&kinds=service", method: .get)
            #expect(events.status == .ok)
        }
    }

    /// The direct stream reads its request head itself: the same rule there.
    @Test func directStreamAcceptsRepeatedParameters() async throws {
        try await withLiveServer { server, port in
            server.store.apply([
                .upsertEntity(entity("a")), .upsertEntity(entity("web", kind: .service)),
                .upsertEntity(entity("d", kind: .deployment)),
            ])
            let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream?kinds=pod&kinds=service")
            let full = try await sse.dataMessages(1)[0].update()
            #expect(Set(full.topology?.entities.map(\.kind) ?? []) == [.pod, .service])
        }
    }

    // MARK: health summary names

    /// One spelling, PROTOCOL.md's: the `*_count` names of a Topology's summary.
    @Test func healthUsesTheSummaryNames() async throws {
        let server = makeServer()
        server.store.apply([.upsertEntity(entity("a"))])
        try await server.application().test(.router) { client in
            let health = try json(try await client.execute(uri: "/api/infra/health", method: .get).body)
            let topology = try json(try await client.execute(uri: "/api/infra/topology", method: .get).body)
            let summary = try #require(topology["summary"] as? [String: Any])
            #expect(Set(summary.keys) == ["total_entities", "healthy_count", "warning_count", "critical_count"])
            for key in summary.keys { #expect(health[key] as? Int == summary[key] as? Int, "\(key)") }
            #expect(health["healthy"] == nil)
        }
    }

    // MARK: the graph seed's bodies (design doc 002)

    @Test func graphSeedBodiesWorkUnchanged() async throws {
        let server = makeServer()
        try await server.application().test(.router) { client in
            // Copied from the seed's end-to-end example.
            let created = try await client.execute(
                uri: "/api/graph/nodes", method: .post,
                body: ByteBuffer(string: #"{"project_id": 1, "type": "file", "label": "test.py"}"#))
            #expect(created.status == .created)
            let node = try json(created.body)
            #expect(node["name"] as? String == "test.py")
            #expect(node["kind"] as? String == "custom")
            #expect(node["labels"] as? [String: String] == ["node_type": "file", "project_id": "1"])
            let fileID = try #require(node["id"] as? String)

            // The seed's event fields as a body: node_type, node_id, label.
            let service = try await client.execute(
                uri: "/api/graph/nodes", method: .post,
                body: ByteBuffer(
                    string: #"{"project_id": 1, "node_type": "service", "node_id": "api:billing", "label": "billing"}"#)
            )
            #expect(service.status == .created)
            #expect(try json(service.body)["kind"] as? String == "service")
            #expect(try json(service.body)["id"] as? String == "api:billing")

            let edge = try await client.execute(
                uri: "/api/graph/edges", method: .post,
                body: ByteBuffer(
                    string:
                        "{\"project_id\": 1, \"from_node\": \"api:billing\", \"to_node\": \"\(fileID)\", \"edge_type\": \"imports\"}"
                ))
            #expect(edge.status == .created)
            #expect(try json(edge.body)["id"] as? String == "api:billing->\(fileID):depends")

            let patched = try await client.execute(
                uri: "/api/graph/nodes/api:billing", method: .patch,
                body: ByteBuffer(string: #"{"label": "billing-v2"}"#))
            #expect(try json(patched.body)["name"] as? String == "billing-v2")
        }
    }

    // MARK: ownership

    /// DELETE of what a source owns is 409 `not_owned`, node or edge.
    @Test func deletingWhatASourceOwnsIs409() async throws {
        let server = makeServer()
        let web = entity("web", kind: .service), pod = entity("a")
        server.store.apply([
            .upsertEntity(web), .upsertEntity(pod),
            .upsertConnection(Connection(sourceID: web.id, targetID: pod.id, kind: .network)),
        ])
        let edgeID = "\(web.id)->\(pod.id):network".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await server.application().test(.router) { client in
            for path in ["/api/graph/edges/\(edgeID)", "/api/graph/nodes/k8s:pod%2Fshop%2Fa"] {
                let response = try await client.execute(uri: path, method: .delete)
                #expect(response.status == .conflict, "\(path)")
                #expect((try json(response.body)["error"] as? [String: Any])?["code"] as? String == "not_owned")
            }
        }
        #expect(server.store.connectionCount == 1)
        #expect(server.store.entityCount == 2)
    }

    // MARK: seed 000's SSE client

    /// The fields the phase-2 doc's `applyTopologyUpdate` and event feed
    /// read are all there, on the default event type.
    @Test func seed000ClientFieldsArePresent() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream")
            let full = try await sse.dataMessages(1)[0]
            let update = try full.json()
            #expect(update["kind"] as? String == "full")
            #expect(update["timestamp"] is String)
            let topology = try #require(update["topology"] as? [String: Any])
            #expect((topology["entities"] as? [Any])?.count == 1)
            #expect(topology["connections"] is [Any])
            server.store.apply([.upsertEntity(entity("a", cpu: 40))])
            let change = try await sse.dataMessages(1)[0].json()
            #expect(change["kind"] as? String == "update")
            let changed = try #require(change["entity"] as? [String: Any])
            for key in ["id", "kind", "name", "status", "health", "cpu_percent", "memory_bytes", "x", "y", "z"] {
                #expect(changed[key] != nil, "\(key)")
            }
            let events = try await SSEClient(port: port, path: "/api/infra/events/stream?severity=warning")
            _ = server.store.record(
                InfraEvent(
                    type: "Warning", reason: "BackOff", message: "m", entityID: "x", entityKind: .pod, entityName: "x",
                    severity: .warning))
            let event = try await events.dataMessages(1)[0].json()
            for key in ["id", "type", "reason", "message", "entity_id", "entity_kind", "timestamp", "severity"] {
                #expect(event[key] != nil, "\(key)")
            }
        }
    }
}
