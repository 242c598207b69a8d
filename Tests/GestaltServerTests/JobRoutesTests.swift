import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Synchronization
import TestPeers
import Testing

/// A source whose fresh list the test sets; a rescan returns it.
final class ListedSource: RescannableSource {
    let instance = SourceInstance(kind: "docker", name: "lab")
    private let listed = Mutex<[String]>([])
    private let failure = Mutex<String?>(nil)

    func list(_ names: [String]) { listed.withLock { $0 = names } }
    func fail(_ message: String?) { failure.withLock { $0 = message } }

    func entity(_ name: String) -> Entity {
        Entity(id: "docker@lab:container/\(name)", kind: .container, name: name, source: instance.description)
    }

    func run(in context: SourceContext) async throws {}

    func rescan(in context: SourceContext) async throws -> SourceSnapshot {
        struct Refused: Error, CustomStringConvertible { let description: String }
        if let message = failure.withLock({ $0 }) { throw Refused(description: message) }
        return SourceSnapshot(entities: listed.withLock { $0 }.map(entity))
    }
}

@Suite struct JobRoutesTests {
    static let legacyKeys: Set = ["job_id", "kind", "state", "created_at", "finished_at", "error"]

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    func serverWithSource() -> (GestaltServer, ListedSource) {
        let server = makeServer()
        let source = ListedSource()
        server.jobs.attach(sources: [source], sink: server.store, statusBoard: server.statusBoard)
        return (server, source)
    }

    @Test func aRescanFiresOneGraphInvalidatedForEveryProject() async throws {
        let (server, source) = serverWithSource()
        source.list(["a", "b"])
        try await server.application().test(.router) { client in
            let id = try await client.execute(
                uri: "/api/jobs", method: .post, body: ByteBuffer(string: #"{"kind":"rescan"}"#)
            ) { response in
                try #require(try json(response.body)["job_id"] as? String)
            }
            try await waitUntil("the rescan completes") { server.jobs.job(id)?.state == .completed }
        }
        let events = try #require(server.graphEvents.log.events(after: 0)).map(\.event)
        #expect(events.map(\.subject) == ["graph.invalidated"])
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(events[0].json)) as? [String: String])
        #expect(payload == ["project_id": "", "reason": "rescan"])
    }

    @Test func aRescanDiffsAFreshListIntoTheStoreAndBothShapesShowIt() async throws {
        let (server, source) = serverWithSource()
        let store = server.store
        store.apply([.upsertEntity(source.entity("a")), .upsertEntity(source.entity("gone"))])
        let before = try #require(store.entity(id: "docker@lab:container/a"))
        source.list(["a", "b"])
        try await server.application().test(.router) { client in
            let id = try await client.execute(
                uri: "/api/jobs", method: .post, body: ByteBuffer(string: #"{"kind":"rescan"}"#)
            ) { response in
                #expect(response.status == .accepted)
                let body = try json(response.body)
                #expect(response.headers[.location] == "/api/jobs/\(body["job_id"] as? String ?? "")")
                return try #require(body["job_id"] as? String)
            }
            try await waitUntil("the rescan completes") { server.jobs.job(id)?.state == .completed }

            try await client.execute(uri: "/api/jobs/\(id)", method: .get) { response in
                let body = try json(response.body)
                #expect(Set(body.keys) == Self.legacyKeys, "the legacy shape never changes")
                #expect(body["kind"] as? String == "rescan")
                #expect(body["state"] as? String == "completed")
                #expect(body["finished_at"] is String)
                #expect(body["error"] is NSNull)
            }
            try await client.execute(uri: "/api/jobs/\(id)/extended", method: .get) { response in
                let body = try json(response.body)
                #expect(Self.legacyKeys.isSubset(of: Set(body.keys)), "the extended shape keeps every legacy field")
                #expect(body["state"] as? String == "completed")
                #expect(body["progress"] as? Int == 100)
                let timings = try #require(body["plugin_timings"] as? [String: Double])
                #expect(Set(timings.keys) == ["docker@lab", "health"])
                #expect(
                    body["plugin_status"] as? [String: String] == ["docker@lab": "completed", "health": "completed"])
                #expect(body["warnings"] as? [String] == [])
            }
            try await client.execute(uri: "/api/jobs", method: .get) { response in
                let list = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                #expect(list.map { $0["job_id"] as? String } == [id])
            }
        }
        let ids = store.snapshot().entities.map(\.id).sorted()
        #expect(
            ids == ["docker@lab:container/a", "docker@lab:container/b"],
            "what vanished is removed, nothing is duplicated")
        #expect(
            store.entity(id: "docker@lab:container/a")?.updatedAt == before.updatedAt,
            "an unchanged entity is not rewritten")
        #expect(store.plugins.report("docker@lab")?.runs == 1)
    }

    @Test func aRescanWhoseEverySourceFailsFailsWithTheReason() async throws {
        let (server, source) = serverWithSource()
        source.fail("peer unreachable")
        let job = try server.jobs.submit(JobRequest(kind: .rescan, sources: ["docker@lab"]))
        try await waitUntil("the rescan fails") { server.jobs.job(job.id)?.state == .failed }
        let failed = try #require(server.jobs.job(job.id))
        #expect(failed.error == "every source failed to rescan: docker@lab: peer unreachable")
        #expect(failed.pluginStatus["docker@lab"] == .failed)
        #expect(failed.warnings == ["docker@lab: peer unreachable"])
    }

    @Test func anExportIsDownloadableFromTheJob() async throws {
        let (server, source) = serverWithSource()
        server.store.apply([.upsertEntity(source.entity("a"))])
        try await server.application().test(.router) { client in
            let id = try await client.execute(
                uri: "/api/jobs", method: .post, body: ByteBuffer(string: #"{"kind":"export"}"#)
            ) { response in
                try #require(try json(response.body)["job_id"] as? String)
            }
            try await waitUntil("the export completes") { server.jobs.job(id)?.state == .completed }
            try await client.execute(uri: "/api/jobs/\(id)/extended", method: .get) { response in
                let body = try json(response.body)
                #expect(body["result_url"] as? String == "/api/jobs/\(id)/result")
            }
            try await client.execute(uri: "/api/jobs/\(id)/result", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
                let topology = try JSONDecoder().decode(Topology.self, from: Data(buffer: response.body))
                #expect(topology.entities.map(\.id) == ["docker@lab:container/a"])
            }
        }
    }

    @Test func cancellingAQueuedJobEndsItAndAFinishedOneCannotBeCancelled() async throws {
        var limits = JobLimits()
        limits.maxRunning = 0
        let server = GestaltServer(
            store: TopologyStore(), statusBoard: SourceStatusBoard(),
            configuration: {
                var c = ServerConfiguration(host: "127.0.0.1", port: 0); c.jobLimits = limits; return c
            }()
        )
        let job = try server.jobs.submit(JobRequest(kind: .export))
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs/\(job.id)", method: .delete) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(Set(body.keys) == Self.legacyKeys)
                #expect(body["state"] as? String == "cancelled")
            }
            try await client.execute(uri: "/api/jobs/\(job.id)", method: .delete) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("job_finished"))
            }
        }
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let status: HTTPResponse.Status
        let code: String
        let mentions: String
        var testDescription: String { "\(method) \(path) \(body ?? "") → \(status.code)" }
    }

    static let badCases: [BadCase] = [
        BadCase(
            method: .post, path: "/api/jobs", body: "", status: .badRequest, code: "invalid_body", mentions: "empty"),
        BadCase(
            method: .post, path: "/api/jobs", body: "{", status: .badRequest, code: "invalid_body",
            mentions: "not valid JSON"),
        BadCase(
            method: .post, path: "/api/jobs", body: "[]", status: .badRequest, code: "invalid_body",
            mentions: "JSON object"),
        BadCase(
            method: .post, path: "/api/jobs", body: "{}", status: .badRequest, code: "invalid_body",
            mentions: "'kind' is required"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":7}"#, status: .badRequest, code: "invalid_body",
            mentions: "'kind' must be a string"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rewind"}"#, status: .badRequest, code: "invalid_body",
            mentions: "unknown value 'rewind'"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"replay","from":0}"#, status: .serviceUnavailable,
            code: "history_unavailable", mentions: "replaying needs history"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"replay","to":3}"#, status: .badRequest,
            code: "invalid_body", mentions: "'from' is required"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"export","from":3}"#, status: .badRequest,
            code: "invalid_body", mentions: "applies to replay jobs only"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","extra":1}"#, status: .badRequest,
            code: "invalid_body", mentions: "unknown field 'extra'"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","sources":"docker"}"#, status: .badRequest,
            code: "invalid_body", mentions: "array of source names"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","sources":[]}"#, status: .badRequest,
            code: "invalid_body", mentions: "empty"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","sources":[1]}"#, status: .badRequest,
            code: "invalid_body", mentions: "must hold strings"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","sources":["nats"]}"#, status: .badRequest,
            code: "invalid_body", mentions: "unknown source 'nats'; known: docker@lab"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"export","sources":["docker@lab"]}"#, status: .badRequest,
            code: "invalid_body", mentions: "rescan jobs only"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"rescan","at":3}"#, status: .badRequest,
            code: "invalid_body", mentions: "export jobs only"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"export","at":-1}"#, status: .badRequest,
            code: "invalid_body", mentions: "whole number"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"export","at":1.5}"#, status: .badRequest,
            code: "invalid_body", mentions: "whole number"),
        BadCase(
            method: .post, path: "/api/jobs", body: #"{"kind":"export","at":3}"#, status: .serviceUnavailable,
            code: "history_unavailable", mentions: "needs history"),
        BadCase(
            method: .get, path: "/api/jobs/job-404", body: nil, status: .notFound, code: "not_found",
            mentions: "job-404"),
        BadCase(
            method: .get, path: "/api/jobs/job-404/extended", body: nil, status: .notFound, code: "not_found",
            mentions: "job-404"),
        BadCase(
            method: .get, path: "/api/jobs/job-404/result", body: nil, status: .notFound, code: "not_found",
            mentions: "job-404"),
        BadCase(
            method: .delete, path: "/api/jobs/job-404", body: nil, status: .notFound, code: "not_found",
            mentions: "job-404"),
    ]

    @Test(arguments: badCases) func badInputGetsAClearErrorAndStartsNothing(_ c: BadCase) async throws {
        let (server, _) = serverWithSource()
        try await server.application().test(.router) { client in
            try await client.execute(uri: c.path, method: c.method, body: c.body.map { ByteBuffer(string: $0) }) {
                response in
                #expect(response.status == c.status)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == c.code)
                let message = error["message"] as? String ?? ""
                #expect(message.contains(c.mentions), "\(message)")
            }
        }
        #expect(server.jobs.all.isEmpty)
    }
}
