import Foundation
import GestaltEngine
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import PostgresNIO

/// History in PostgreSQL (`--history-url postgres://...`): the same rows as
/// the SQLite file. Every operation leases its own connection from a small
/// pool, so a read's snapshot transaction, the recorder's batch and a
/// retention pass never share one (one connection's queries would all land
/// in whichever transaction is open on it).
struct PostgresHistoryBackend: HistoryBackend {
    let client: PostgresClient
    /// Runs the pool until `close()`; a task of its own because the backend
    /// is opened before the server's service group exists.
    let runner: Task<Void, Never>
    /// The URL without its password, for errors and logs.
    let place: String
    let logger: Logger

    /// Connects, applies the migrations this build knows, and refuses a
    /// database that has a newer one.
    static func open(
        url: String, logger: Logger = Logger(label: "gestalt.history")
    ) async throws(HistoryStoreError) -> PostgresHistoryBackend {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, let user = components.user
        else { throw .cannotOpen(path: url, reason: "not a postgres://user@host[:port]/database URL") }
        let database =
            components.path.hasPrefix("/") && components.path.count > 1 ? String(components.path.dropFirst()) : user
        let place = "postgres://\(user)@\(host):\(components.port ?? 5432)/\(database)"
        // One direct connection first: it fails at once on a bad address or
        // password (the pool would retry in the background instead).
        let connection: PostgresConnection
        do {
            let configuration = PostgresConnection.Configuration(
                host: host, port: components.port ?? 5432, username: user, password: components.password,
                database: database, tls: .disable
            )
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw .cannotOpen(path: place, reason: Self.reason(error))
        }
        do {
            try await migrate(connection, place: place, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            if let error = error as? HistoryStoreError { throw error }
            throw .cannotOpen(path: place, reason: Self.reason(error))
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database, tls: .disable
        )
        configuration.options.maximumConnections = 4
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return PostgresHistoryBackend(client: client, runner: Task { await client.run() }, place: place, logger: logger)
    }

    func close() async {
        runner.cancel()
        await runner.value
    }

    /// The server's own message when it sent one (wrong password, no such database).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    private static func migrate(_ connection: PostgresConnection, place: String, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: PostgresHistorySchema.versionTable), logger: logger)
        var applied: Int32 = 0
        for try await version in try await connection.query(
            "SELECT coalesce(max(version), 0) FROM gestalt_history_schema", logger: logger
        )
        .decode(Int32.self) { applied = version }
        let known = PostgresHistorySchema.migrations.map(\.version).max() ?? 0
        if applied > known {
            throw HistoryStoreError.newerSchema(
                path: place, unknownMigrations: ((known + 1)...applied).map { "v\($0)" })
        }
        for migration in PostgresHistorySchema.migrations where migration.version > applied {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO gestalt_history_schema(version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    /// One transaction, each table's rows in one statement (`unnest` of arrays).
    func write(_ batch: HistoryBatch) async throws {
        // One row per (entity, metric, time): a repeat in one batch keeps the last value.
        var latest: [String: HistoryBatch.Sample] = [:]
        for sample in batch.samples { latest["\(sample.entityID)\u{0}\(sample.name)\u{0}\(sample.at)"] = sample }
        let samples = Array(latest.values)
        let liveBytes = PostgresHistorySchema.rowBytes(of: batch, samples: samples)
        try await client.withTransaction(logger: logger) { connection in
            if let gap = batch.gap {
                try await connection.query(
                    """
                    INSERT INTO gaps(resumed_at, after) VALUES (\(Int64(gap.resumedAt)), \(Int64(gap.after)))
                    ON CONFLICT (resumed_at) DO UPDATE SET after = excluded.after
                    """, logger: logger)
            }
            if !batch.updates.isEmpty {
                let revisions = batch.updates.map(\.revision), ats = batch.updates.map(\.at)
                let bodies = batch.updates.map { ByteBuffer(data: $0.json) }
                try await connection.query(
                    """
                    INSERT INTO updates(revision, at, json) SELECT * FROM unnest(\(revisions)::bigint[], \(ats)::bigint[], \(bodies)::bytea[])
                    ON CONFLICT (revision) DO UPDATE SET at = excluded.at, json = excluded.json
                    """, logger: logger)
            }
            if !batch.events.isEmpty {
                let seqs = batch.events.map(\.seq), ats = batch.events.map(\.at)
                let bodies = batch.events.map { ByteBuffer(data: $0.json) }
                try await connection.query(
                    """
                    INSERT INTO events(seq, at, json) SELECT * FROM unnest(\(seqs)::bigint[], \(ats)::bigint[], \(bodies)::bytea[])
                    ON CONFLICT (seq) DO UPDATE SET at = excluded.at, json = excluded.json
                    """, logger: logger)
            }
            if !samples.isEmpty {
                let ids = samples.map(\.entityID), names = samples.map(\.name), ats = samples.map(\.at),
                    values = samples.map(\.value)
                try await connection.query(
                    """
                    INSERT INTO samples(entity_id, name, at, value)
                    SELECT * FROM unnest(\(ids)::text[], \(names)::text[], \(ats)::bigint[], \(values)::float8[])
                    ON CONFLICT (entity_id, name, at) DO UPDATE SET value = excluded.value
                    """, logger: logger)
            }
            try await connection.query("UPDATE history_bytes SET live = live + \(liveBytes)", logger: logger)
            for checkpoint in batch.checkpoints {
                try await connection.query(
                    """
                    INSERT INTO checkpoints(revision, at, event_seq, body)
                    VALUES (\(checkpoint.revision), \(checkpoint.at), \(checkpoint.eventSeq), \(ByteBuffer(data: checkpoint.body)))
                    ON CONFLICT (revision) DO UPDATE SET at = excluded.at, event_seq = excluded.event_seq, body = excluded.body
                    """, logger: logger)
            }
        }
    }

    func recordedCounters() async throws -> HistoryCounters {
        let rows = try await client.query(
            """
            SELECT (SELECT max(revision) FROM updates), (SELECT max(revision) FROM checkpoints),
                   (SELECT max(seq) FROM events), (SELECT max(event_seq) FROM checkpoints)
            """, logger: logger
        ).decode((Int64?, Int64?, Int64?, Int64?).self)
        for try await (update, checkpoint, event, checkpointSeq) in rows {
            return HistoryCounters(
                revision: UInt64(max(update ?? 0, checkpoint ?? 0)),
                eventSeq: UInt64(max(event ?? 0, checkpointSeq ?? 0)),
                hasCheckpoint: checkpoint != nil
            )
        }
        return HistoryCounters(revision: 0, eventSeq: 0, hasCheckpoint: false)
    }

    /// The live rows' bytes, counted as they are written and deleted
    /// (`PostgresHistorySchema.rowBytes`), not the tables' size on disk: a
    /// DELETE does not shrink that until a VACUUM FULL (docs/HISTORY.md).
    func usedBytes() async throws -> Int64 {
        for try await bytes in try await client.query("SELECT live FROM history_bytes", logger: logger).decode(
            Int64.self)
        { return bytes }
        return 0
    }

    /// Heap, indexes and TOAST of the history tables: what they hold on disk.
    func diskBytes() async throws -> Int64 {
        let sum = PostgresHistorySchema.tables.map { "pg_total_relation_size('\($0)')" }.joined(separator: " + ")
        for try await bytes in try await client.query(
            PostgresQuery(unsafeSQL: "SELECT (\(sum))::bigint"), logger: logger
        ).decode(Int64.self) {
            return bytes
        }
        return 0
    }
}
