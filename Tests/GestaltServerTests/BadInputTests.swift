import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing

/// Every bad request gets its own clear JSON error and changes nothing.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let status: HTTPResponse.Status
        let code: String
        let mentions: String
        var testDescription: String { "\(method) \(path) \(body?.prefix(40) ?? "") → \(status.code)" }
    }

    static let cases: [Case] = [
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\": ", status: .badRequest, code: "invalid_body",
            mentions: "not valid JSON"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "", status: .badRequest, code: "invalid_body",
            mentions: "empty"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "[1,2]", status: .badRequest, code: "invalid_body",
            mentions: "JSON object"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"kind\":\"pod\"}", status: .badRequest,
            code: "invalid_body", mentions: "'name' is required"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":42}", status: .badRequest, code: "invalid_body",
            mentions: "'name' must be a string"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"\"}", status: .badRequest, code: "invalid_body",
            mentions: "must not be empty"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"kind\":\"spaceship\"}",
            status: .badRequest, code: "invalid_body", mentions: "'kind' has unknown value 'spaceship'"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"status\":\"sleepy\"}",
            status: .badRequest, code: "invalid_body", mentions: "'status'"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"health\":1.5}", status: .badRequest,
            code: "invalid_body", mentions: "between 0 and 1"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"health\":\"good\"}", status: .badRequest,
            code: "invalid_body", mentions: "'health' must be a number"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"labels\":{\"a\":1}}", status: .badRequest,
            code: "invalid_body", mentions: "'labels'"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"memory_bytes\":-5}", status: .badRequest,
            code: "invalid_body", mentions: "'memory_bytes'"),
        Case(
            method: .post, path: "/api/graph/nodes", body: "{\"name\":\"x\",\"id\":\"api:taken\"}", status: .conflict,
            code: "already_exists", mentions: "already exists"),
        Case(
            method: .patch, path: "/api/graph/nodes/api:nope", body: "{\"name\":\"y\"}", status: .notFound,
            code: "not_found", mentions: "api:nope"),
        Case(
            method: .patch, path: "/api/graph/nodes/api:taken", body: "{\"health\":-1}", status: .badRequest,
            code: "invalid_body", mentions: "'health'"),
        Case(
            method: .patch, path: "/api/graph/nodes/api:taken", body: "{\"id\":\"other\"}", status: .badRequest,
            code: "invalid_body", mentions: "does not match"),
        Case(
            method: .patch, path: "/api/graph/nodes/api:taken", body: "not json", status: .badRequest,
            code: "invalid_body", mentions: "not valid JSON"),
        Case(
            method: .patch, path: "/api/graph/nodes/k8s:pod%2Fshop%2Fa", body: "{\"name\":\"y\"}", status: .conflict,
            code: "not_owned", mentions: "belongs to source"),
        Case(
            method: .delete, path: "/api/graph/nodes/api:nope", body: nil, status: .notFound, code: "not_found",
            mentions: "api:nope"),
        Case(
            method: .delete, path: "/api/graph/nodes/k8s:pod/shop/a", body: nil, status: .conflict, code: "not_owned",
            mentions: "belongs to source"),
        Case(
            method: .post, path: "/api/graph/edges", body: "{\"source_id\":\"api:taken\",\"target_id\":\"api:ghost\"}",
            status: .unprocessableContent, code: "missing_endpoint", mentions: "api:ghost"),
        Case(
            method: .post, path: "/api/graph/edges", body: "{\"target_id\":\"api:taken\"}", status: .badRequest,
            code: "invalid_body", mentions: "'source_id' is required"),
        Case(
            method: .post, path: "/api/graph/edges",
            body: "{\"source_id\":\"api:taken\",\"target_id\":\"k8s:pod/shop/a\",\"kind\":\"telepathy\"}",
            status: .badRequest, code: "invalid_body", mentions: "'kind'"),
        Case(
            method: .post, path: "/api/graph/edges",
            body: "{\"source_id\":\"api:taken\",\"target_id\":\"k8s:pod/shop/a\",\"error_rate\":2}",
            status: .badRequest, code: "invalid_body", mentions: "'error_rate'"),
        Case(
            method: .post, path: "/api/graph/edges",
            body: "{\"source_id\":\"api:taken\",\"target_id\":\"k8s:pod/shop/a\",\"kind\":\"http\"}", status: .conflict,
            code: "already_exists", mentions: "already exists"),
        Case(
            method: .delete, path: "/api/graph/edges/nope", body: nil, status: .notFound, code: "not_found",
            mentions: "nope"),
        Case(
            method: .get, path: "/api/infra/topology?kinds=spaceship", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "spaceship"),
        Case(
            method: .get, path: "/api/infra/topology?label=novalue", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "key=value"),
        Case(
            method: .get, path: "/api/infra/topology/stream?namespaces=,", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "namespaces"),
        Case(
            method: .get, path: "/api/infra/events?severity=loud", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "severity"),
        Case(
            method: .get, path: "/api/infra/events?limit=abc", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "limit"),
        Case(
            method: .get, path: "/api/infra/events?limit=0", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "limit"),
        Case(
            method: .get, path: "/api/infra/events/stream?kinds=x", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "kinds"),
        Case(
            method: .get, path: "/api/graph/events/stream?project_id=", body: nil, status: .badRequest,
            code: "bad_query_parameter", mentions: "'project_id' is empty"),
        Case(
            method: .get, path: "/api/graph/events/stream?project_id=shop&project_id=ops", body: nil,
            status: .badRequest, code: "bad_query_parameter", mentions: "names one project"),
        Case(
            method: .get, path: "/api/infra/entities/k8s:pod%2Fshop%2Fmissing", body: nil, status: .notFound,
            code: "not_found", mentions: "k8s:pod/shop/missing"),
        Case(
            method: .get, path: "/api/nothing/here", body: nil, status: .notFound, code: "not_found",
            mentions: "no such route"),
        // Ids are percent-decoded (`PercentDecoding`): a broken escape, or
        // escapes that are not UTF-8, name no id.
        Case(
            method: .patch, path: "/api/graph/nodes/api:taken%G1", body: "{\"name\":\"x\"}", status: .badRequest,
            code: "bad_request", mentions: "badly percent-encoded"),
        Case(
            method: .delete, path: "/api/graph/nodes/api:taken%A9", body: nil, status: .badRequest,
            code: "bad_request", mentions: "badly percent-encoded"),
        Case(
            method: .delete, path: "/api/graph/nodes/api:taken%", body: nil, status: .badRequest,
            code: "bad_request", mentions: "badly percent-encoded"),
    ]

    @Test(arguments: cases)
    func answersWithAClearErrorAndChangesNothing(_ c: Case) async throws {
        let server = makeServer()
        let pod = entity("a")
        server.store.apply([.upsertEntity(pod)])
        try server.store.create(Entity(id: "api:taken", kind: .custom, name: "taken", source: "api"))
        try server.store.apply(.upsertConnection(Connection(sourceID: "api:taken", targetID: pod.id, kind: .http)))
        let before = server.store.revision
        let snapshot = server.store.snapshot()
        try await server.application().test(.router) { client in
            try await client.execute(uri: c.path, method: c.method, body: c.body.map { ByteBuffer(string: $0) }) {
                response in
                #expect(response.status == c.status)
                #expect(response.headers[.contentType] == "application/json")
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let error = try #require(body["error"] as? [String: Any])
                #expect(error["code"] as? String == c.code)
                let message = try #require(error["message"] as? String)
                #expect(message.contains(c.mentions), "message was: \(message)")
            }
        }
        #expect(server.store.revision == before)
        #expect(Set(server.store.snapshot().entities) == Set(snapshot.entities))
    }

    @Test func oversizedBodyIs413() async throws {
        let server = makeServer()
        let big = "{\"name\":\"" + String(repeating: "a", count: 1 << 20) + "\"}"
        try await server.application().test(.live) { client in
            try await client.execute(uri: "/api/graph/nodes", method: .post, body: ByteBuffer(string: big)) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("body_too_large"))
            }
        }
        #expect(server.store.revision == 0)
    }
}
