import Foundation
import GestaltEngine
import GestaltHistory
import GestaltModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import Testing

@testable import GestaltServer

/// Routes that narrow their answer to a restricted token rather than refuse
/// it: entity by id, path queries, history's changes and metrics, and events
/// judged by their entity (docs/AUTH.md, Restrictions).
@Suite(.timeLimit(.minutes(2))) struct AuthNarrowingTests {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func encoded(_ id: String) -> String { id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer))
    }

    static func errorCode(_ buffer: ByteBuffer) throws -> String? {
        ((try json(buffer) as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }

    static func names(_ buffer: ByteBuffer) throws -> Set<String> {
        Set(try JSONDecoder().decode(Topology.self, from: Data(buffer: buffer)).entities.map(\.name))
    }

    @Test func entityOutsideTheScopeIsAbsent() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        let (shopProd, shopDev, opsProd) = (AuthFixture.map[0], AuthFixture.map[1], AuthFixture.map[2])
        try await server.application().test(.router) { client in
            func get(_ id: String, _ token: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/infra/entities/\(Self.encoded(id))", method: .get, headers: Self.bearer(token))
            }
            #expect(try await get(shopProd.id, AuthFixture.shopOnly).status == .ok)
            let hidden = try await get(opsProd.id, AuthFixture.shopOnly)
            let missing = try await get("k8s@prod:pod/shop/nothing", AuthFixture.shopOnly)
            #expect(hidden.status == .notFound)
            #expect(try Self.errorCode(hidden.body) == "not_found")
            #expect(
                String(buffer: hidden.body).replacingOccurrences(of: opsProd.id, with: "ID")
                    == String(buffer: missing.body).replacingOccurrences(of: "k8s@prod:pod/shop/nothing", with: "ID"),
                "the same answer as an id that does not exist")
            #expect(try await get(shopDev.id, AuthFixture.prodOnly).status == .notFound)
            #expect(try await get(opsProd.id, AuthFixture.prodOnly).status == .ok)
            #expect(try await get(opsProd.id, AuthFixture.reader).status == .ok)
        }
    }

    @Test func pathsShowOnlyTheScope() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        let (shopProd, opsProd) = (AuthFixture.map[0], AuthFixture.map[2])
        try await server.application().test(.router) { client in
            func get(_ uri: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .get, headers: Self.bearer(AuthFixture.shopOnly))
            }
            #expect(try await get("/api/paths").status == .ok)
            let topology = try await get("/api/paths/world.infra.topology")
            #expect(topology.status == .ok)
            #expect(try Self.names(topology.body) == ["shop-prod", "shop-dev"])
            let pods = try await get("/api/paths/world.infra.topology.filter?namespaces=ops")
            #expect(try Self.names(pods.body) == [], "the query narrows the scope, never widens it")
            let inScope = try await get("/api/paths/world.infra.health.score?id=\(Self.encoded(shopProd.id))")
            #expect(inScope.status == .ok)
            let outOfScope = try await get("/api/paths/world.infra.health.score?id=\(Self.encoded(opsProd.id))")
            #expect(outOfScope.status == .notFound)
            // The whole map's health names what the scope does not hold: its route cannot narrow.
            let health = try await get("/api/paths/world.infra.health.score")
            #expect(health.status == .forbidden)
            #expect(try Self.errorCode(health.body) == "restricted_token")
            let unrestricted = try await client.execute(
                uri: "/api/paths/world.infra.health.score", method: .get, headers: Self.bearer(AuthFixture.reader))
            #expect(unrestricted.status == .ok)
        }
    }

    @Test func historyChangesAndMetricsShowOnlyTheScope() async throws {
        let store = TopologyStore()
        try await withRecordedHistory(store, name: "auth-history") { history in
            let (shopProd, shopDev, opsProd) = (AuthFixture.map[0], AuthFixture.map[1], AuthFixture.map[2])
            let inside = Connection(sourceID: shopProd.id, targetID: shopDev.id, kind: .http, requestsPerSec: 5)
            let across = Connection(sourceID: shopProd.id, targetID: opsProd.id, kind: .http, requestsPerSec: 7)
            // The recorder's first checkpoint holds this seed; what follows is
            // recorded as updates (and sampled), after `from`.
            store.apply([.upsertEntity(AuthFixture.clustered("seed", namespace: "other", cluster: "lab"))])
            let from = store.revision
            try await HistoryResumeTests.waitDurable(history, from)
            store.apply(AuthFixture.map.map { .upsertEntity($0) })
            store.apply([.upsertConnection(inside), .upsertConnection(across)])
            store.apply([.removeEntity(id: opsProd.id)])
            store.apply([.upsertEntity(AuthFixture.clustered("shop-late", namespace: "shop", cluster: "prod"))])
            try await HistoryResumeTests.waitDurable(history, store.revision)

            let fixture = try await AuthFixture.make()
            var serverConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0)
            serverConfiguration.auth = try await TokenVerifier.make(fixture.settings)
            let server = GestaltServer(
                store: store, statusBoard: SourceStatusBoard(), configuration: serverConfiguration, history: history)
            try await server.application().test(.router) { client in
                func changes(_ token: String) async throws -> (entities: [String], connections: [String]) {
                    let response = try await client.execute(
                        uri: "/api/infra/topology/changes?from=\(from)", method: .get, headers: Self.bearer(token))
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let page = try #require(try Self.json(response.body) as? [String: Any])
                    let updates = page["updates"] as? [[String: Any]] ?? []
                    return (
                        updates.compactMap { ($0["entity"] as? [String: Any])?["name"] as? String },
                        updates.compactMap { ($0["connection"] as? [String: Any])?["id"] as? String }
                    )
                }
                let all = try await changes(AuthFixture.reader)
                #expect(Set(all.entities) == ["shop-prod", "shop-dev", "ops-prod", "shop-late"])
                #expect(all.entities.filter { $0 == "ops-prod" }.count == 2, "its add and its removal")
                #expect(Set(all.connections) == [inside.id, across.id])
                let shop = try await changes(AuthFixture.shopOnly)
                #expect(shop.entities == ["shop-prod", "shop-dev", "shop-late"], "no add or removal of ops-prod")
                #expect(shop.connections == [inside.id], "an edge to an entity outside the scope is not shown")
                let prod = try await changes(AuthFixture.prodOnly)
                #expect(Set(prod.entities) == ["shop-prod", "ops-prod", "shop-late"])
                #expect(Set(prod.connections) == [across.id])

                func metrics(_ id: String, _ token: String) async throws -> TestResponse {
                    try await client.execute(
                        uri: "/api/infra/metrics/\(Self.encoded(id))", method: .get, headers: Self.bearer(token))
                }
                #expect(try await metrics(shopProd.id, AuthFixture.shopOnly).status == .ok)
                #expect(try await metrics(inside.id, AuthFixture.shopOnly).status == .ok)
                #expect(try await metrics(across.id, AuthFixture.reader).status == .ok)
                // Out of scope: the answer for an entity with no metrics at all.
                for id in [across.id, opsProd.id, shopDev.id] {
                    let token = id == shopDev.id ? AuthFixture.prodOnly : AuthFixture.shopOnly
                    let hidden = try await metrics(id, token)
                    #expect(hidden.status == .notFound, "\(id)")
                    #expect(try Self.errorCode(hidden.body) == "not_found")
                }
                // ops-prod is gone from the map; its id still says where it was.
                #expect(try await metrics(opsProd.id, AuthFixture.reader).status == .ok)
                #expect(try await metrics(opsProd.id, AuthFixture.prodOnly).status == .ok)
            }
        }
    }

    @Test func eventsAreJudgedByTheirEntity() async throws {
        let fixture = try await AuthFixture.make()
        let server = try await fixture.server()
        // A graph API node: its id says neither namespace nor cluster.
        let billing = Entity(id: "api:billing", kind: .custom, name: "billing", namespace: "shop", source: "api")
        server.store.apply([.upsertEntity(billing)])
        let recorded = server.store.record(AuthFixture.event(about: billing))
        #expect(recorded.entityNamespace == "shop")
        // An event about an entity the map does not hold: judged by its id.
        server.store.record(
            AuthFixture.event(about: AuthFixture.clustered("ghost", namespace: "shop", cluster: "prod")))
        try await server.application().test(.router) { client in
            func names(_ token: String) async throws -> Set<String> {
                let response = try await client.execute(
                    uri: "/api/infra/events", method: .get, headers: Self.bearer(token))
                let events = try Self.json(response.body) as? [[String: Any]] ?? []
                return Set(events.compactMap { $0["entity_name"] as? String })
            }
            let (shop, prod) = (try await names(AuthFixture.shopOnly), try await names(AuthFixture.prodOnly))
            #expect(shop == ["billing", "ghost"])
            #expect(prod == ["ghost"], "billing's id names no cluster")
            #expect(try await names(AuthFixture.reader) == ["billing", "ghost"])
        }
    }

    @Test func eventNamespaceRoundTrips() throws {
        var event = AuthFixture.event(about: AuthFixture.map[0])
        event.entityNamespace = "shop"
        let decoded = try JSONDecoder().decode(InfraEvent.self, from: Data(event.jsonBytes()))
        #expect(decoded == event)
        #expect(String(decoding: event.jsonBytes(), as: UTF8.self).contains(#""entity_namespace":"shop""#))
        let other = AccessRestriction(namespaces: ["ops"])
        var moved = event
        moved.entityNamespace = "ops"
        #expect(other.admits(moved), "the stamped namespace wins over the id's")
        #expect(!other.admits(event))
        #expect(AccessRestriction(namespaces: ["shop"]).admits(entityID: "k8s@prod:namespace/shop"))
        #expect(!AccessRestriction(namespaces: ["shop"]).admits(entityID: "k8s@prod:node/shop"))
    }
}

/// History keeps a connection's metrics after it left the map; its id then
/// is all there is to judge, and both ends count.
@Suite struct RestrictedMetricsIDTests {
    @Test func aGoneConnectionIsJudgedByBothEndsOfItsID() {
        let store = TopologyStore()
        let prodOnly = AccessRestriction(clusters: ["prod"])
        let across = Connection.id(
            source: "k8s@prod:pod/shop/a", target: "k8s@staging:pod/x/db", kind: .http)
        let within = Connection.id(source: "k8s@prod:pod/shop/a", target: "k8s@prod:pod/shop/db", kind: .http)
        #expect(!RestrictedAnswers.admits(metricsOf: across, store: store, restriction: prodOnly))
        #expect(RestrictedAnswers.admits(metricsOf: within, store: store, restriction: prodOnly))
        #expect(!RestrictedAnswers.admits(metricsOf: "k8s@prod:pod/shop/a->", store: store, restriction: prodOnly))
    }
}
