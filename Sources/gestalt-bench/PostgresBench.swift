import ArgumentParser
import Foundation
import GestaltEngine
import GestaltModel
import GestaltPostgres
import Logging
import PostgresNIO
import TestPeers

/// `gestalt-bench postgres`: what one poll of the PostgreSQL collector costs,
/// against a real PostgreSQL 15 it starts with many databases and client
/// connections. It measures the collector's side (the sample's round trips,
/// then mapping, diffing and applying to a store) and the server's side
/// (the execution time of the collector's statements, from pg_stat_statements).
struct PostgresBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "The PostgreSQL collector's cost per poll against a real server with many databases and connections."
    )

    @Option(help: "Databases to create besides postgres.")
    var databases = 20
    @Option(help: "Client connections to hold open, spread over the databases.")
    var connections = 50
    @Option(help: "Polls to measure (after 10 warm-up polls).")
    var cycles = 300
    @Flag(help: "Also read the slowest queries' text (one statement more per poll).")
    var allowQueryText = false
    @Option(help: "Seconds between two reads of the database sizes (0: every poll).")
    var sizeInterval = 0.0

    func run() async throws {
        let server = try await PostgresServer.start(
            name: "bench-postgres", maxConnections: connections + 20,
            settings: ["shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "top"]
        )
        defer { server.shutdown() }
        try server.psql("CREATE EXTENSION pg_stat_statements")
        for index in 0..<databases { try server.psql("CREATE DATABASE db\(index)") }
        let logger = Logger(label: "bench")
        var clients: [PostgresConnection] = []
        for index in 0..<connections {
            var configuration = PostgresConnection.Configuration(
                host: "127.0.0.1", port: server.port, username: "postgres", password: nil,
                database: "db\(index % databases)", tls: .disable
            )
            configuration.options.additionalStartupParameters = [("application_name", "app-\(index % 10)")]
            clients.append(
                try await PostgresConnection.connect(configuration: configuration, id: index, logger: logger))
        }

        let sourceConfiguration = PostgresSourceConfiguration(urls: [server.url()], allowQueryText: allowQueryText)
        let probe = ServerProbe(
            address: try PostgresServerAddress(url: server.url()), allowQueryText: allowQueryText, queryTextLimit: 200,
            connectTimeout: .seconds(5), sizeInterval: .milliseconds(Int64(sizeInterval * 1000)), logger: logger
        )
        var collector = PostgresCollector(
            mapping: PostgresMapping(idPrefix: "postgres", source: "postgres", configuration: sourceConfiguration))
        let store = TopologyStore()
        var diff = SnapshotDiff()
        let matcher = ClientMatcher(clientEntities: [:]) { store.entity(id: $0) != nil }

        var sampling: [Duration] = []
        var mapping: [Duration] = []
        var entities = 0
        let clock = ContinuousClock()
        for cycle in 0..<(cycles + 10) {
            if cycle == 10 { try server.psql("SELECT pg_stat_statements_reset()") }
            let statementsBefore = await probe.statements
            var sample: ServerSample?
            let sampled = try await clock.measure { sample = try await probe.sample() }
            let mapped = clock.measure {
                let outcome = PostgresCollector.Outcome(server: probe.address.name, result: .success(sample!))
                let result = collector.absorb([outcome], matcher: matcher)
                store.apply(diff.changes(to: result.snapshot))
                entities = result.snapshot.entities.count
            }
            guard cycle >= 10 else { continue }
            sampling.append(sampled)
            mapping.append(mapped)
            let statements = await probe.statements - statementsBefore
            precondition(statements == (allowQueryText ? 4 : 3))
        }
        let statements = await probe.statements / (cycles + 10)
        await probe.close()
        for client in clients { try await client.close() }

        // The collector's statements, as the server timed them (psql's own are left out).
        let serverSide = try server.psql(
            """
            SELECT coalesce(sum(calls), 0), coalesce(sum(total_exec_time), 0),
                   coalesce(sum(shared_blks_hit + shared_blks_read), 0)
              FROM pg_stat_statements
             WHERE query NOT LIKE '%pg_stat_statements%'
            """
        ).split(separator: "|").map { Double($0) ?? 0 }
        let perStatement = try server.psql(
            """
            SELECT round((total_exec_time / calls)::numeric, 3) || ' ms  ' || calls || ' calls  '
                   || left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
              FROM pg_stat_statements
             WHERE query NOT LIKE '%pg_stat_statements%'
             ORDER BY total_exec_time DESC
            """)

        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        func summary(_ durations: [Duration]) -> String {
            let sorted = durations.map(milliseconds).sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            let p50 = sorted[sorted.count / 2], p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
            return String(format: "mean %.3f ms, p50 %.3f ms, p99 %.3f ms", mean, p50, p99)
        }
        print(
            "PostgreSQL collector: 1 server, \(databases + 1) databases, \(connections) client connections, \(cycles) polls measured, sizes every \(sizeInterval) s"
        )
        print("  entities per poll:        \(entities)")
        print("  statements per poll:      \(statements)")
        print("  sample (round trips):     \(summary(sampling))")
        print("  map + diff + apply:       \(summary(mapping))")
        if serverSide.count == 3, serverSide[0] > 0 {
            let polls = serverSide[0] / Double(statements)
            print(
                String(
                    format:
                        "  server execution per poll: %.3f ms (pg_stat_statements, %.0f calls), %.0f buffer hits per poll",
                    serverSide[1] / polls, serverSide[0], serverSide[2] / polls))
        }
        print("  per statement (mean execution):")
        for line in perStatement.split(separator: "\n") { print("    \(line)") }
    }
}
