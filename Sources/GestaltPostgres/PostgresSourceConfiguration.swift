/// What the PostgreSQL source polls and how it judges what it sees. The
/// server reads it from `collectors.postgres` in the YAML file and from
/// repeatable `--postgres URL` flags.
///
/// ```swift
/// let configuration = PostgresSourceConfiguration(urls: ["postgres://monitor:secret@db-1:5432/postgres"])
/// let source = try PostgresSource(instance: SourceInstance(kind: "postgres"), configuration: configuration)
/// ```
package struct PostgresSourceConfiguration: Sendable, Hashable {
    /// One URL per server: `postgres://user:password@host:port/database`
    /// (`postgresql://` too; `?sslmode=disable|prefer|require|verify-full`).
    /// The database is the one the collector connects to; every database of
    /// the server is reported whichever it is.
    package var urls: [String]
    /// Time between two samples of one server.
    package var pollInterval: Duration
    /// Whether the slowest running query's text (its literals replaced by `?`,
    /// cut to `queryTextLimit` characters) may be shown as an annotation.
    /// Off by default: the collector then never selects the text at all.
    package var allowQueryText: Bool
    package var queryTextLimit: Int
    /// Connections in use over `max_connections` above which a server warns (0...1).
    package var poolWarning: Double
    /// … and above which it is critical.
    package var poolCritical: Double
    /// A query running longer than this makes its database (and server) warn.
    package var longQuery: Duration
    /// Application names or client addresses mapped to the id of the entity
    /// that is that client, for clients whose `application_name` is not
    /// already an entity id (docs/POSTGRES.md, "Clients").
    package var clientEntities: [String: String]
    /// How long connecting to one server may take before it counts as unreachable.
    package var connectTimeout: Duration
    /// How often database sizes are read: `pg_database_size` walks each
    /// database's files, the largest part of a poll's cost on the server.
    /// In between, the last sizes are shown again.
    package var sizeInterval: Duration

    package init(
        urls: [String], pollInterval: Duration = .seconds(5), allowQueryText: Bool = false, queryTextLimit: Int = 200,
        poolWarning: Double = 0.8, poolCritical: Double = 0.95, longQuery: Duration = .seconds(30),
        clientEntities: [String: String] = [:], connectTimeout: Duration = .seconds(5),
        sizeInterval: Duration = .seconds(60)
    ) {
        self.urls = urls
        self.pollInterval = pollInterval
        self.allowQueryText = allowQueryText
        self.queryTextLimit = queryTextLimit
        self.poolWarning = poolWarning
        self.poolCritical = poolCritical
        self.longQuery = longQuery
        self.clientEntities = clientEntities
        self.connectTimeout = connectTimeout
        self.sizeInterval = sizeInterval
    }
}
