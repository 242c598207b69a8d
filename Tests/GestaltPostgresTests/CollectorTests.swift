import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltPostgres

/// The mapping and the memory between polls, on samples made by hand.
@Suite struct CollectorTests {
    let server = "db:5432"
    let start = ContinuousClock.now
    let noClients = ClientMatcher(clientEntities: [:]) { _ in false }

    func collector(
        _ configuration: PostgresSourceConfiguration = PostgresSourceConfiguration(urls: [])
    ) -> PostgresCollector {
        PostgresCollector(
            mapping: PostgresMapping(idPrefix: "postgres", source: "postgres", configuration: configuration))
    }

    func sample(
        after seconds: Double = 0, backends: Int64 = 1, max: Int64 = 20, shopTransactions: Int64 = 1000,
        slowest: Double? = nil, clients: [ClientSample] = []
    ) -> ServerSample {
        ServerSample(
            takenAt: start + .milliseconds(Int64(seconds * 1000)), version: "15.18", maxConnections: max,
            clientBackends: backends,
            databases: [
                DatabaseSample(
                    name: "postgres", sizeBytes: 7_000_000, transactions: 50, blocksHit: 90, blocksRead: 10, backends: 1
                ),
                DatabaseSample(
                    name: "shop", sizeBytes: 9_000_000, transactions: shopTransactions, blocksHit: 0, blocksRead: 0,
                    backends: backends - 1, active: slowest == nil ? 0 : 1, slowestQuerySeconds: slowest
                ),
            ],
            clients: clients
        )
    }

    func outcome(_ sample: ServerSample) -> PostgresCollector.Outcome {
        .init(server: server, result: .success(sample))
    }

    @Test func mapsTheServerAndItsDatabases() throws {
        var collector = collector()
        let cycle = collector.absorb([outcome(sample(backends: 5))], matcher: noClients)
        let server = try #require(cycle.snapshot.entities["postgres:server/db:5432"])
        #expect(server.kind == .database)
        #expect(server.labels["postgres.role"] == "server")
        #expect(server.customMetrics["pool_percent"] == 25)
        #expect(server.customMetrics["connections"] == 5)
        #expect(server.customMetrics["max_connections"] == 20)
        #expect(server.customMetrics["size_bytes"] == 16_000_000)
        #expect(server.customMetrics["replication_lag_seconds"] == nil)
        #expect(server.customMetrics["tps"] == nil, "no rate from a single sample")
        let shop = try #require(cycle.snapshot.entities["postgres:database/db:5432/shop"])
        #expect(shop.labels == ["postgres.role": "database", "postgres.server": "db:5432"])
        #expect(shop.customMetrics["size_bytes"] == 9_000_000)
        #expect(shop.customMetrics["pool_percent"] == 20)
        #expect(shop.customMetrics["cache_hit_ratio"] == nil, "no block read yet")
        #expect(cycle.snapshot.entities["postgres:database/db:5432/postgres"]?.customMetrics["cache_hit_ratio"] == 0.9)
        #expect(cycle.snapshot.connections.values.filter { $0.kind == .owns }.count == 2)
        #expect(cycle.events.isEmpty)
        #expect(cycle.failures.isEmpty)
    }

    /// A standby's edge to its primary stays only while the primary is collected too.
    @Test func aStandbyDependsOnItsPrimaryWhenBothAreCollected() throws {
        var standby = sample()
        standby.inRecovery = true
        standby.replayDelaySeconds = 1.23456
        standby.replayLagBytes = 4096
        standby.upstream = server
        let replica = PostgresCollector.Outcome(server: "replica:5433", result: .success(standby))
        let edge = Connection(
            sourceID: "postgres:server/replica:5433", targetID: "postgres:server/db:5432", kind: .depends)

        var both = collector()
        let cycle = both.absorb([outcome(sample()), replica], matcher: noClients)
        let entity = try #require(cycle.snapshot.entities["postgres:server/replica:5433"])
        #expect(entity.labels["postgres.standby"] == "true")
        #expect(entity.labels["postgres.upstream"] == "db:5432")
        #expect(entity.customMetrics["replication_lag_seconds"] == 1.235)
        #expect(entity.customMetrics["replication_lag_bytes"] == 4096)
        #expect(cycle.snapshot.connections[edge.id] != nil)
        #expect(cycle.clientEdges.isEmpty, "the replica is this source's own entity, not a client")

        var alone = collector()
        let lonely = alone.absorb([replica], matcher: noClients)
        #expect(lonely.snapshot.connections[edge.id] == nil)
        #expect(lonely.snapshot.entities["postgres:server/replica:5433"]?.labels["postgres.upstream"] == "db:5432")
    }

    @Test func ratesComeFromTwoSamples() throws {
        var collector = collector()
        _ = collector.absorb([outcome(sample(shopTransactions: 1000))], matcher: noClients)
        let cycle = collector.absorb([outcome(sample(after: 2, shopTransactions: 1100))], matcher: noClients)
        #expect(cycle.snapshot.entities["postgres:database/db:5432/shop"]?.customMetrics["tps"] == 50)
        #expect(cycle.snapshot.entities["postgres:server/db:5432"]?.customMetrics["tps"] == 50)
        // A reset counter gives no rate rather than a negative one.
        let reset = collector.absorb([outcome(sample(after: 4, shopTransactions: 10))], matcher: noClients)
        #expect(reset.snapshot.entities["postgres:database/db:5432/shop"]?.customMetrics["tps"] == nil)
    }

    @Test func poolThresholdsGiveHealthAndOneEventPerCrossing() throws {
        var collector = collector()
        let id = "postgres:server/db:5432"
        var reasons: [String] = []
        var healths: [Double] = []
        for backends: Int64 in [10, 17, 17, 17, 20, 20, 12, 12] {
            let cycle = collector.absorb([outcome(sample(backends: backends))], matcher: noClients)
            reasons += cycle.events.map(\.reason)
            healths.append(try #require(cycle.snapshot.entities[id]).health)
        }
        #expect(reasons == ["ConnectionPoolHigh", "ConnectionPoolCritical", "ConnectionPoolNormal"])
        #expect(healths == [1, 0.6, 0.6, 0.6, 0.2, 0.2, 1, 1])
    }

    @Test func thresholdsAreConfigurable() throws {
        var collector = collector(PostgresSourceConfiguration(urls: [], poolWarning: 0.4, poolCritical: 0.6))
        let cycle = collector.absorb([outcome(sample(backends: 10))], matcher: noClients)
        #expect(cycle.snapshot.entities["postgres:server/db:5432"]?.health == 0.6)
        #expect(cycle.events.map(\.severity) == [.warning])
        #expect(cycle.events.first?.message == "db:5432: 10 of 20 connections in use (50%), over 40%")
    }

    @Test func longQueriesWarnOnTheirDatabaseAndServer() throws {
        var collector = collector()
        let first = collector.absorb([outcome(sample(slowest: 31))], matcher: noClients)
        #expect(first.snapshot.entities["postgres:database/db:5432/shop"]?.health == 0.6)
        #expect(first.snapshot.entities["postgres:database/db:5432/shop"]?.customMetrics["slowest_query_seconds"] == 31)
        #expect(first.snapshot.entities["postgres:database/db:5432/postgres"]?.health == 1)
        #expect(first.snapshot.entities["postgres:server/db:5432"]?.health == 0.6)
        #expect(first.events.map(\.reason) == ["LongRunningQuery"])
        #expect(first.events.first?.entityID == "postgres:database/db:5432/shop")
        let second = collector.absorb([outcome(sample(after: 1, slowest: 32))], matcher: noClients)
        #expect(second.events.isEmpty)
        let third = collector.absorb([outcome(sample(after: 2, slowest: 0.5))], matcher: noClients)
        #expect(third.events.map(\.reason) == ["LongRunningQueryEnded"])
    }

    @Test func anUnreachableServerKeepsItsShapeAndIsReportedOnce() throws {
        var collector = collector()
        _ = collector.absorb([outcome(sample())], matcher: noClients)
        let error = PostgresSourceError.unreachable(server: server, reason: "connection refused")
        let down = collector.absorb([.init(server: server, result: .failure(error))], matcher: noClients)
        let serverEntity = try #require(down.snapshot.entities["postgres:server/db:5432"])
        #expect(serverEntity.status == .failed)
        #expect(serverEntity.health == 0)
        #expect(serverEntity.annotations["postgres.error"] == "db:5432: cannot connect (connection refused)")
        #expect(down.snapshot.entities["postgres:database/db:5432/shop"]?.status == .unknown)
        #expect(down.events.map(\.reason) == ["ServerUnreachable"])
        #expect(down.failures == [error])
        #expect(down.answered == 0)
        let stillDown = collector.absorb([.init(server: server, result: .failure(error))], matcher: noClients)
        #expect(stillDown.events.isEmpty)
        let back = collector.absorb([outcome(sample(after: 10))], matcher: noClients)
        #expect(back.events.map(\.reason) == ["ServerReachable"])
        #expect(back.snapshot.entities["postgres:server/db:5432"]?.status == .running)
        #expect(
            back.snapshot.entities["postgres:database/db:5432/shop"]?.customMetrics["tps"] == nil,
            "no rate across an outage")
    }

    @Test func aServerNeverSeenIsOneFailedEntity() {
        var collector = collector()
        let error = PostgresSourceError.authentication(
            server: server, user: "monitor", message: "password authentication failed for user \"monitor\"")
        let cycle = collector.absorb([.init(server: server, result: .failure(error))], matcher: noClients)
        #expect(cycle.snapshot.entities.keys.sorted() == ["postgres:server/db:5432"])
        #expect(cycle.snapshot.entities.values.first?.status == .failed)
    }

    @Test func clientsBecomeDependsEdgesWhenTheyMatch() {
        let known: Set<String> = [
            "k8s:deployment/shop/checkout", "docker:container/web", "k8s:service/billing/api", "k8s:pod/ops/cron-1",
        ]
        let matcher = ClientMatcher(clientEntities: ["10.1.2.3": "k8s:pod/ops/cron-1"]) { known.contains($0) }
        var collector = collector()
        let clients = [
            ClientSample(database: "shop", applicationName: "shop/checkout", address: "10.0.0.9"),
            ClientSample(database: "shop", applicationName: "docker:container/web"),
            ClientSample(database: "postgres", applicationName: "billing/api"),
            ClientSample(database: "postgres", applicationName: "psql", address: "10.1.2.3"),
            ClientSample(database: "shop", applicationName: "unknown-app", address: "10.9.9.9"),
            ClientSample(database: "shop", applicationName: ""),
        ]
        let cycle = collector.absorb([outcome(sample(backends: 7, clients: clients))], matcher: matcher)
        let edges = Set(
            cycle.snapshot.connections.values.filter { $0.kind == .depends }.map { "\($0.sourceID) -> \($0.targetID)" })
        #expect(
            edges == [
                "k8s:deployment/shop/checkout -> postgres:database/db:5432/shop",
                "docker:container/web -> postgres:database/db:5432/shop",
                "k8s:service/billing/api -> postgres:database/db:5432/postgres",
                "k8s:pod/ops/cron-1 -> postgres:database/db:5432/postgres",
            ])
        #expect(cycle.clientEdges.count == 4)
    }

    @Test func entitiesKeepTheirCreationTimeSoSteadyPollsChangeNothing() {
        var collector = collector()
        var diff = SnapshotDiff()
        let first = collector.absorb(
            [outcome(sample())], matcher: noClients, now: Timestamp(millisecondsSince1970: 1000))
        #expect(!diff.changes(to: first.snapshot).isEmpty)
        let second = collector.absorb(
            [outcome(sample(after: 5))], matcher: noClients, now: Timestamp(millisecondsSince1970: 6000))
        // Only the rates appear (0 tps); then nothing changes at all.
        _ = diff.changes(to: second.snapshot)
        let third = collector.absorb(
            [outcome(sample(after: 10))], matcher: noClients, now: Timestamp(millisecondsSince1970: 11000))
        #expect(diff.changes(to: third.snapshot).isEmpty)
    }
}
