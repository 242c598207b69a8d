/// The PostgreSQL tables: the SQLite schema (HistorySchema) in PostgreSQL
/// types, one numbered migration per version, recorded in
/// `gestalt_history_schema`. A database holding a version this build does not
/// know comes from a newer gestalt and is refused, as a SQLite file is.
enum PostgresHistorySchema {
    /// Statements run one by one (the extended protocol takes one per query),
    /// all of one version in one transaction.
    static let migrations: [(version: Int32, statements: [String])] = [
        (
            1,
            [
                "CREATE TABLE updates(revision BIGINT PRIMARY KEY, at BIGINT NOT NULL, json BYTEA NOT NULL)",
                "CREATE INDEX updates_at ON updates(at)",
                "CREATE TABLE checkpoints(revision BIGINT PRIMARY KEY, at BIGINT NOT NULL, event_seq BIGINT NOT NULL, body BYTEA NOT NULL)",
                "CREATE INDEX checkpoints_at ON checkpoints(at)",
                "CREATE TABLE gaps(resumed_at BIGINT PRIMARY KEY, after BIGINT NOT NULL)",
                "CREATE TABLE events(seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, json BYTEA NOT NULL)",
                "CREATE INDEX events_at ON events(at)",
                """
                CREATE TABLE samples(
                    entity_id TEXT NOT NULL, name TEXT NOT NULL, at BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY(entity_id, name, at))
                """,
                "CREATE INDEX samples_at ON samples(at)",
            ]
        ),
        // The live-bytes counter `maxBytes` bounds, started from the rows already there.
        (
            2,
            [
                "CREATE TABLE history_bytes(live BIGINT NOT NULL)",
                """
                INSERT INTO history_bytes SELECT
                    (SELECT coalesce(sum(\(bytes["updates"]!)), 0) FROM updates) + (SELECT coalesce(sum(\(bytes["checkpoints"]!)), 0) FROM checkpoints)
                    + (SELECT coalesce(sum(\(bytes["gaps"]!)), 0) FROM gaps) + (SELECT coalesce(sum(\(bytes["events"]!)), 0) FROM events)
                    + (SELECT coalesce(sum(\(bytes["samples"]!)), 0) FROM samples)
                """,
            ]
        ),
    ]

    static let versionTable = """
        CREATE TABLE IF NOT EXISTS gestalt_history_schema(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """

    /// The tables whose sizes `pg_total_relation_size` adds up (`diskBytes`).
    static let tables = ["updates", "checkpoints", "gaps", "events", "samples"]

    /// What one row costs beside its variable-length columns: the heap
    /// tuple's header, line pointer and fixed columns (~48 bytes) and an
    /// entry in each of two btree indexes (~20 each). An estimate: on the
    /// demo the count was within 1% of the tables after a VACUUM FULL
    /// (docs/HISTORY.md, scripts/history-pg-bytes.py).
    static let rowOverhead = 88

    /// Each table's row size in SQL, for the migration and for the rows a
    /// retention pass deletes (`DELETE ... RETURNING`). A sample's id and
    /// name are in the heap and again in its primary key.
    static let bytes: [String: String] = [
        "updates": "\(rowOverhead) + octet_length(json)",
        "checkpoints": "\(rowOverhead) + octet_length(body)",
        "gaps": "\(rowOverhead)",
        "events": "\(rowOverhead) + octet_length(json)",
        "samples": "\(rowOverhead) + 2 * (octet_length(entity_id) + octet_length(name))",
    ]

    /// The same measure, in Swift, for a batch about to be written.
    static func rowBytes(of batch: HistoryBatch, samples: [HistoryBatch.Sample]) -> Int64 {
        var total = batch.gap == nil ? 0 : rowOverhead
        for update in batch.updates { total += rowOverhead + update.json.count }
        for checkpoint in batch.checkpoints { total += rowOverhead + checkpoint.body.count }
        for event in batch.events { total += rowOverhead + event.json.count }
        for sample in samples { total += rowOverhead + 2 * (sample.entityID.utf8.count + sample.name.utf8.count) }
        return Int64(total)
    }
}
