/// What one poll read from one server: raw figures, cumulative counters as
/// the server keeps them. Rates and health come later, in `PostgresMapping`,
/// from two successive samples.
package struct ServerSample: Sendable, Hashable {
    /// When the sample was taken, for rates between two samples.
    package var takenAt: ContinuousClock.Instant
    /// `server_version`'s number, e.g. `15.18`.
    package var version: String
    /// True on a standby (`pg_is_in_recovery()`).
    package var inRecovery: Bool
    package var maxConnections: Int64
    /// `superuser_reserved_connections`: slots only superusers may take.
    package var reservedConnections: Int64
    /// Client backends, the collector's own included: what counts against `max_connections`.
    package var clientBackends: Int64
    /// Rows of `pg_stat_replication`.
    package var replicas: Int64
    /// The largest `replay_lag` of the replicas; nil when none lags (or none exists).
    package var replicationLagSeconds: Double?
    /// The largest WAL distance, in bytes, from this primary to a replica's replay position.
    package var replicationLagBytes: Double?
    /// On a standby: how far behind the primary its replay is (0 once it
    /// has replayed all it received), from `pg_last_xact_replay_timestamp()`.
    package var replayDelaySeconds: Double?
    /// On a standby: WAL received but not yet replayed, in bytes.
    package var replayLagBytes: Double?
    /// On a standby: the primary it streams from, `host:port` as in `pg_stat_wal_receiver`.
    package var upstream: String?
    package var databases: [DatabaseSample]
    package var clients: [ClientSample]
    /// The slowest running query's text per database, literals already
    /// replaced; empty unless query text is allowed.
    package var queryTexts: [String: String]

    package init(
        takenAt: ContinuousClock.Instant, version: String, inRecovery: Bool = false, maxConnections: Int64,
        reservedConnections: Int64 = 3, clientBackends: Int64, replicas: Int64 = 0,
        replicationLagSeconds: Double? = nil,
        replicationLagBytes: Double? = nil, databases: [DatabaseSample], clients: [ClientSample] = [],
        queryTexts: [String: String] = [:]
    ) {
        self.takenAt = takenAt
        self.version = version
        self.inRecovery = inRecovery
        self.maxConnections = maxConnections
        self.reservedConnections = reservedConnections
        self.clientBackends = clientBackends
        self.replicas = replicas
        self.replicationLagSeconds = replicationLagSeconds
        self.replicationLagBytes = replicationLagBytes
        self.databases = databases
        self.clients = clients
        self.queryTexts = queryTexts
    }
}

/// One database's figures in a `ServerSample`.
package struct DatabaseSample: Sendable, Hashable {
    package var name: String
    /// `pg_database_size`; nil where the collector's role may not read it.
    package var sizeBytes: Int64?
    /// `xact_commit + xact_rollback` since the statistics were last reset.
    package var transactions: Int64
    package var blocksHit: Int64
    package var blocksRead: Int64
    /// Client backends connected to it (the collector's own included, on its database).
    package var backends: Int64
    /// Backends running a statement (the collector's own excluded).
    package var active: Int64
    /// Backends inside a transaction and doing nothing: they hold locks and snapshots.
    package var idleInTransaction: Int64
    /// How long the longest running statement has been running; nil when none runs.
    package var slowestQuerySeconds: Double?

    package init(
        name: String, sizeBytes: Int64? = nil, transactions: Int64 = 0, blocksHit: Int64 = 0, blocksRead: Int64 = 0,
        backends: Int64 = 0, active: Int64 = 0, idleInTransaction: Int64 = 0, slowestQuerySeconds: Double? = nil
    ) {
        self.name = name
        self.sizeBytes = sizeBytes
        self.transactions = transactions
        self.blocksHit = blocksHit
        self.blocksRead = blocksRead
        self.backends = backends
        self.active = active
        self.idleInTransaction = idleInTransaction
        self.slowestQuerySeconds = slowestQuerySeconds
    }
}

/// Backends of one client application on one database (`pg_stat_activity`).
package struct ClientSample: Sendable, Hashable {
    package var database: String
    /// `application_name`; empty when the client set none.
    package var applicationName: String
    /// `client_addr`; nil for unix-socket connections.
    package var address: String?
    package var backends: Int64

    package init(database: String, applicationName: String, address: String? = nil, backends: Int64 = 1) {
        self.database = database
        self.applicationName = applicationName
        self.address = address
        self.backends = backends
    }
}
