import GRDB

/// The tables, one migration per schema version. A file whose applied
/// migrations include one this build does not know comes from a newer
/// gestalt and is refused (`HistoryStoreError.newerSchema`).
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Each update's TopologyUpdate JSON as streamed: `changes` is a
            // concatenation, and a rebuild decodes only what it replays.
            try db.execute(
                sql: """
                    CREATE TABLE updates(revision INTEGER PRIMARY KEY, at INTEGER NOT NULL, json BLOB NOT NULL);
                    CREATE INDEX updates_at ON updates(at);
                    CREATE TABLE checkpoints(
                        revision INTEGER PRIMARY KEY, at INTEGER NOT NULL, event_seq INTEGER NOT NULL, body BLOB NOT NULL);
                    CREATE INDEX checkpoints_at ON checkpoints(at);
                    CREATE TABLE gaps(resumed_at INTEGER PRIMARY KEY, after INTEGER NOT NULL);
                    CREATE TABLE events(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, json BLOB NOT NULL);
                    CREATE INDEX events_at ON events(at);
                    CREATE TABLE samples(
                        entity_id TEXT NOT NULL, name TEXT NOT NULL, at INTEGER NOT NULL, value REAL NOT NULL,
                        PRIMARY KEY(entity_id, name, at)) WITHOUT ROWID;
                    CREATE INDEX samples_at ON samples(at);
                    """)
        }
        return migrator
    }
}
