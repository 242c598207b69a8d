import GestaltEngine
import GestaltModel
import GestaltPostgres
import PostgresNIO
import TestPeers
import Testing

/// The source against a real PostgreSQL 15 started by each test.
@Suite struct LiveServerTests {
    /// Pool use is client backends over `max_connections`: the N connections
    /// the test opens plus the collector's own. `superuser_reserved_connections`
    /// (3) does not shrink the denominator; it only means ordinary roles are
    /// refused at 17 of 20, which the `reserved_connections` metric shows.
    /// Nothing else counts: autovacuum, the WAL writer and other background
    /// processes are not client backends and have slots of their own.
    @Test func poolPercentIsExactAndItsThresholdsAreEventsOnce() async throws {
        let server = try await PostgresServer.start(maxConnections: 20)
        defer { server.shutdown() }
        let fixture = SourceFixture()
        let source = PostgresSource(instance: fixture.instance, configuration: configuration([server.url()]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        let id = fixture.serverID(server)

        var clients: [PostgresConnection] = []
        for _ in 0..<9 { clients.append(try await connect(to: server)) }
        try await waitUntil("10 of 20 connections") { fixture.metric(id, "connections") == 10 }
        #expect(fixture.metric(id, "pool_percent") == 50)
        #expect(fixture.metric(id, "max_connections") == 20)
        #expect(fixture.metric(id, "reserved_connections") == 3)
        #expect(fixture.entity(id)?.health == 1)
        #expect(fixture.status?.state == .ready)

        for _ in 0..<8 { clients.append(try await connect(to: server)) }
        try await waitUntil("18 of 20 connections") { fixture.metric(id, "connections") == 18 }
        #expect(fixture.metric(id, "pool_percent") == 90)
        #expect(fixture.entity(id)?.health == 0.6)

        for _ in 0..<2 { clients.append(try await connect(to: server)) }
        try await waitUntil("20 of 20 connections") { fixture.metric(id, "connections") == 20 }
        #expect(fixture.metric(id, "pool_percent") == 100)
        #expect(fixture.entity(id)?.health == 0.2)

        for client in clients { try await client.close() }
        try await waitUntil("back to the collector alone") { fixture.metric(id, "connections") == 1 }
        #expect(fixture.metric(id, "pool_percent") == 5)
        #expect(fixture.entity(id)?.health == 1)
        // Many polls saw each level; each crossing is one event. Closing 20
        // clients may be seen half-way, in the warning band: a second crossing.
        #expect((1...2).contains(fixture.events("ConnectionPoolHigh").count))
        #expect(fixture.events("ConnectionPoolCritical").count == 1)
        #expect(fixture.events("ConnectionPoolNormal").count == 1)
        #expect(
            fixture.events("ConnectionPoolCritical").first?.message
                == "127.0.0.1:\(server.port): 20 of 20 connections in use (100%), over 95%")
    }

    @Test func theSlowestQueryShowsItsDurationAndNeverItsText() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        let fixture = SourceFixture()
        let source = PostgresSource(
            instance: fixture.instance, configuration: configuration([server.url()], longQuery: .seconds(1)))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        let database = fixture.databaseID(server, "postgres")

        let sleeper = try await connect(to: server)
        let sleeping = Task {
            try await sleeper.query("SELECT pg_sleep(600), 'secret-value'", logger: .init(label: "sleep"))
        }
        try await waitUntil("a query running over a second") {
            (fixture.metric(database, "slowest_query_seconds") ?? 0) > 1
        }
        try await waitUntil("the long query warning") { fixture.entity(database)?.health == 0.6 }
        #expect(fixture.entity(fixture.serverID(server))?.health == 0.6)
        #expect(fixture.events("LongRunningQuery").count == 1)
        #expect(fixture.metric(database, "active") == 1)
        #expect(fixture.entity(database)?.annotations["postgres.slowest_query"] == nil)
        let everything = String(decoding: fixture.store.snapshotJSON(asFullUpdate: true).json, as: UTF8.self)
        #expect(!everything.contains("pg_sleep"))
        #expect(!everything.contains("secret-value"))

        // With query text allowed, the text shows with its literals replaced.
        let textFixture = SourceFixture(instance: SourceInstance(kind: "postgres", name: "text"))
        let textSource = PostgresSource(
            instance: textFixture.instance, configuration: configuration([server.url()], allowQueryText: true))
        let textRun = textFixture.runSupervised(textSource)
        defer { textRun.cancel() }
        let textDatabase = textFixture.databaseID(server, "postgres")
        #expect(textDatabase.hasPrefix("postgres@text:database/"))
        try await waitUntil("the query's text") {
            textFixture.entity(textDatabase)?.annotations["postgres.slowest_query"] != nil
        }
        #expect(textFixture.entity(textDatabase)?.annotations["postgres.slowest_query"] == "SELECT pg_sleep(?), ?")
        let withText = String(decoding: textFixture.store.snapshotJSON(asFullUpdate: true).json, as: UTF8.self)
        #expect(!withText.contains("secret-value"))
        try await sleeper.close()
        _ = await sleeping.result
    }

    @Test func transactionsPerSecondFollowABurstOfCommits() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        try server.psql("CREATE DATABASE shop")
        let fixture = SourceFixture()
        let source = PostgresSource(instance: fixture.instance, configuration: configuration([server.url()]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        let shop = fixture.databaseID(server, "shop")
        // Nobody uses shop yet: once two samples are in, its rate is 0.
        try await waitUntil("a rate of 0 on shop") { fixture.metric(shop, "tps") == 0 }

        let client = try await connect(to: server, database: "shop")
        try await client.query("CREATE TABLE orders (id int)", logger: .init(label: "burst"))
        for id in 0..<300 { try await client.query("INSERT INTO orders VALUES (\(id))", logger: .init(label: "burst")) }
        // A backend reports its counters when it ends (or when it has been idle a while).
        try await client.close()
        try await waitUntil("a rate above 0 on shop") { (fixture.metric(shop, "tps") ?? 0) > 0 }
        try await waitUntil("the rate back at 0") { fixture.metric(shop, "tps") == 0 }
        #expect((fixture.metric(shop, "size_bytes") ?? 0) > 1_000_000)
        #expect(fixture.metric(shop, "cache_hit_ratio").map { (0...1).contains($0) } == true)
        #expect(
            fixture.entity(fixture.serverID(server))?.customMetrics["replication_lag_seconds"] == nil,
            "no replicas, no lag")
    }

    @Test func aStoppedServerIsAnErrorUntilItIsBack() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        let fixture = SourceFixture()
        let source = PostgresSource(instance: fixture.instance, configuration: configuration([server.url()]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        let id = fixture.serverID(server)
        try await waitUntil("ready") { fixture.status?.state == .ready }

        server.stop()
        try await waitUntil("an error status") { fixture.status?.state == .error }
        #expect(fixture.status?.message == "127.0.0.1:\(server.port): cannot connect (connection refused)")
        #expect(fixture.entity(id)?.status == .failed)
        #expect(fixture.entity(fixture.databaseID(server, "postgres"))?.status == .unknown)
        #expect(fixture.events("ServerUnreachable").count == 1)

        try await server.start()
        try await waitUntil("ready again") { fixture.status?.state == .ready }
        try await waitUntil("the server running again") { fixture.entity(id)?.status == .running }
        #expect(fixture.entity(fixture.databaseID(server, "postgres"))?.status == .running)
        #expect(fixture.events("ServerUnreachable").count == 1, "the supervisor's reruns do not repeat the event")
        #expect(fixture.events("ServerReachable").count == 1)
    }

    @Test func aWrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        try server.psql("CREATE ROLE monitor LOGIN PASSWORD 'right-pass' IN ROLE pg_monitor")
        let fixture = SourceFixture()
        let source = PostgresSource(
            instance: fixture.instance,
            configuration: configuration([server.url(user: "monitor", password: "wrong-pass")]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        try await waitUntil("an error status") { fixture.status?.state == .error }
        let message = fixture.status?.message ?? ""
        #expect(
            message
                == "127.0.0.1:\(server.port): user monitor refused: password authentication failed for user \"monitor\""
        )
        let everything = String(decoding: fixture.store.snapshotJSON(asFullUpdate: true).json, as: UTF8.self)
        #expect(everything.contains("password authentication failed"))
        #expect(!everything.contains("wrong-pass"))
        #expect(!everything.contains("right-pass"))
        run.cancel()

        // The right password (SCRAM) and pg_monitor see everything.
        let good = SourceFixture()
        let goodRun = good.runSupervised(
            PostgresSource(
                instance: good.instance,
                configuration: configuration([server.url(user: "monitor", password: "right-pass")])))
        defer { goodRun.cancel() }
        try await waitUntil("ready") { good.status?.state == .ready }
        #expect((good.metric(good.databaseID(server, "postgres"), "size_bytes") ?? 0) > 0)
    }

    @Test func oneFailingServerOfTwoIsDegradedNotFatal() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        let deadPort = try PeerProcess.freePort()
        let fixture = SourceFixture()
        let source = PostgresSource(
            instance: fixture.instance,
            configuration: configuration([server.url(), "postgres://postgres:hunter2@127.0.0.1:\(deadPort)/postgres"])
        )
        let run = Task { try await source.run(in: fixture.context) }
        defer { run.cancel() }
        try await waitUntil("degraded") { fixture.status?.state == .degraded }
        let status = try #require(fixture.status)
        #expect(status.message.contains("1 of 2 servers answer"))
        #expect(status.message.contains("127.0.0.1:\(deadPort): cannot connect (connection refused)"))
        #expect(!status.message.contains("hunter2"))
        #expect(status.details["127.0.0.1:\(deadPort)"] != nil)
        #expect(fixture.entity("postgres:server/127.0.0.1:\(deadPort)")?.status == .failed)
        #expect(fixture.entity(fixture.serverID(server))?.status == .running)
        // Still running: a degraded source does not throw.
        try await waitUntil("another poll") { fixture.metric(fixture.serverID(server), "tps") != nil }
        #expect(fixture.status?.state == .degraded)
    }

    @Test func clientsThatNameAnEntityDependOnTheirDatabase() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        try server.psql("CREATE DATABASE shop")
        let fixture = SourceFixture()
        let checkout = Entity(
            id: "k8s:deployment/shop/checkout", kind: .deployment, name: "checkout", namespace: "shop",
            source: "kubernetes")
        let web = Entity(id: "docker:container/web", kind: .container, name: "web", source: "docker")
        fixture.store.apply([.upsertEntity(checkout), .upsertEntity(web)])
        let source = PostgresSource(instance: fixture.instance, configuration: configuration([server.url()]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }

        let a = try await connect(to: server, database: "shop", applicationName: "shop/checkout")
        let b = try await connect(to: server, database: "postgres", applicationName: "docker:container/web")
        let c = try await connect(to: server, database: "shop", applicationName: "nobody")
        let shop = fixture.databaseID(server, "shop")
        let postgres = fixture.databaseID(server, "postgres")
        let checkoutEdge = Connection.id(source: checkout.id, target: shop, kind: .depends)
        let webEdge = Connection.id(source: web.id, target: postgres, kind: .depends)
        try await waitUntil("both client edges") {
            fixture.store.connection(id: checkoutEdge) != nil && fixture.store.connection(id: webEdge) != nil
        }
        #expect(fixture.store.connections(of: shop).filter { $0.kind == .depends }.count == 1)

        // The client's entity goes and comes back: its edge comes back with it.
        fixture.store.apply([.removeEntity(id: web.id)])
        fixture.store.apply([.upsertEntity(web)])
        try await waitUntil("the edge again") { fixture.store.connection(id: webEdge) != nil }

        try await a.close()
        try await waitUntil("the closed client's edge gone") {
            fixture.store.connection(id: checkoutEdge) == nil
        }
        try await b.close()
        try await c.close()
    }

    @Test func aRestartRemovesWhatVanishedWhileItWasDown() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        try server.psql("CREATE DATABASE gone")
        let fixture = SourceFixture()
        let gone = fixture.databaseID(server, "gone")
        let first = fixture.runSupervised(
            PostgresSource(instance: fixture.instance, configuration: configuration([server.url()])))
        try await waitUntil("gone seen") { fixture.entity(gone) != nil }
        first.cancel()
        _ = await first.value
        try server.psql("DROP DATABASE gone")
        let revision = fixture.store.snapshot().revision
        let entities = fixture.store.snapshot().entities.count

        let second = fixture.runSupervised(
            PostgresSource(instance: fixture.instance, configuration: configuration([server.url()])))
        defer { second.cancel() }
        try await waitUntil("gone removed") { fixture.entity(gone) == nil }
        #expect(fixture.store.snapshot().entities.count == entities - 1)
        // Nothing was added again: the only entity changes are the removal and metric updates.
        guard case .updates(let updates) = fixture.store.updates(after: revision) else {
            Issue.record("log gone"); return
        }
        #expect(!updates.contains { $0.kind == .add })
    }
}
