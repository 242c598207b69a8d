import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("world.infra paths answer what their REST routes answer")
struct PathRoutesTests {
    static func server(sources: [String]) -> GestaltServer {
        let server = makeServer()
        for name in sources { server.statusBoard.set(name, .ready) }
        server.store.apply([
            .upsertEntity(Entity(id: "k8s:namespace/shop", kind: .namespace, name: "shop", source: "kubernetes")),
            .upsertEntity(
                Entity(
                    id: "k8s:pod/shop/web-1", kind: .pod, name: "web-1", namespace: "shop", source: "kubernetes",
                    cpuPercent: 42)),
            .upsertEntity(
                Entity(id: "k8s:service/shop/web", kind: .service, name: "web", namespace: "shop", source: "kubernetes")
            ),
        ])
        return server
    }

    static func get(
        _ client: some TestClientProtocol, _ uri: String
    ) async throws -> (HTTPResponse.Status, String, String?) {
        try await client.execute(uri: uri, method: .get) { response in
            (response.status, String(buffer: response.body), response.headers[.init("X-Gestalt-Query")!])
        }
    }

    @Test func aPathAnswersExactlyWhatItsRouteAnswers() async throws {
        let server = Self.server(sources: ["kubernetes@prod"])
        try await server.application().test(.router) { client in
            let (status, body, query) = try await Self.get(client, "/api/paths/world.infra.k8s.pods?namespaces=shop")
            #expect(status == .ok)
            #expect(query == "/api/infra/topology?kinds=pod&namespaces=shop")
            let (_, direct, _) = try await Self.get(client, "/api/infra/topology?kinds=pod&namespaces=shop")
            // The same answer; only the moment it was taken differs.
            func untimed(_ text: String) -> String {
                text.replacingOccurrences(of: #""timestamp":"[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(untimed(body) == untimed(direct))
            #expect(body.contains("k8s:pod/shop/web-1") && !body.contains("k8s:service/shop/web"))
        }
    }

    @Test func healthScoreOfOneEntity() async throws {
        let server = Self.server(sources: ["simulator"])
        try await server.application().test(.router) { client in
            let (status, body, query) = try await Self.get(
                client, "/api/paths/world.infra.health.score?id=k8s:pod/shop/web-1")
            #expect(status == .ok)
            #expect(query == "/api/infra/entities/k8s:pod/shop/web-1")
            #expect(body.contains("\"cpu_percent\":42"))
        }
    }

    @Test func aPathWhoseSourceIsNotConfiguredSaysWhichItNeeds() async throws {
        let server = Self.server(sources: ["kubernetes"])
        let before = server.store.revision
        try await server.application().test(.router) { client in
            let (status, body, _) = try await Self.get(client, "/api/paths/world.infra.docker.containers")
            #expect(status == .notFound)
            #expect(
                body.contains("source_not_configured") && body.contains("docker") && body.contains("collectors.docker"))
            let (unknown, text, _) = try await Self.get(client, "/api/paths/world.infra.nope")
            #expect(unknown == .notFound && text.contains("GET /api/paths"))
            let (bad, badText, _) = try await Self.get(client, "/api/paths/world.infra.k8s.pods?watch=maybe")
            #expect(bad == .badRequest && badText.contains("watch"))
        }
        #expect(server.store.revision == before)
    }

    @Test func theListNamesEveryPathOfThePlan() async throws {
        let server = Self.server(sources: ["simulator"])
        try await server.application().test(.router) { client in
            let (status, body, _) = try await Self.get(client, "/api/paths")
            #expect(status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
            let names = Set(list.compactMap { $0["path"] as? String })
            for name in [
                "world.infra.topology", "world.infra.topology.filter", "world.infra.topology.diff",
                "world.infra.k8s.namespaces",
                "world.infra.k8s.pods", "world.infra.k8s.services", "world.infra.k8s.deployments",
                "world.infra.k8s.events",
                "world.infra.docker.containers", "world.infra.docker.networks", "world.infra.docker.stats",
                "world.infra.nats.subjects", "world.infra.nats.streams", "world.infra.nats.messages",
                "world.infra.metrics.cpu",
                "world.infra.metrics.memory", "world.infra.metrics.network", "world.infra.metrics.custom",
                "world.infra.health.score", "world.infra.health.alerts", "world.infra.health.history",
            ] {
                #expect(names.contains(name), "\(name) missing")
            }
            let docker = try #require(list.first { $0["path"] as? String == "world.infra.docker.containers" })
            #expect(docker["available"] as? Bool == false)
        }
    }
}
