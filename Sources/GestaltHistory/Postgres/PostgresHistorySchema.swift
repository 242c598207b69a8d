/// The PostgreSQL tables: the SQLite schema (HistorySchema) in PostgreSQL
/// types, one numbered migration per version, recorded in
/// `gestalt_history_schema`. A database holding a version this build does not
/// know comes from a newer gestalt and is refused, as a SQLite file is.
enum PostgresHistorySchema {
    /// Statements run one by one (the extended protocol takes one per query),
    /// all of one version in one transaction.
    static let migrations: [(version: Int32, statements: [String])] = [
        (1, [
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
        ]),
    ]

    static let versionTable = """
        CREATE TABLE IF NOT EXISTS gestalt_history_schema(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """

    /// The tables whose sizes `pg_total_relation_size` adds up for `maxBytes`.
    static let tables = ["updates", "checkpoints", "gaps", "events", "samples"]
}
