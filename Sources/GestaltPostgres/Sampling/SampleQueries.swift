/// The SQL of one sample: three statements, a fourth only when query text is
/// allowed. Each is one implicit read-only transaction. They read the
/// statistics views, so a role with `pg_monitor` sees everything; without
/// it, other roles' rows show no state and count as idle.
///
/// Only client backends count (`backend_type = 'client backend'`): autovacuum,
/// WAL senders and background workers have slots of their own, outside
/// `max_connections`. The collector's own backend counts as a connection
/// (it takes a slot) but never as a running query.
enum SampleQueries {
    /// On a standby, the replay delay is 0 while it has replayed all it
    /// received: `now() - pg_last_xact_replay_timestamp()` alone would grow
    /// on an idle primary, where there is nothing to replay.
    static let server = """
        SELECT split_part(current_setting('server_version'), ' ', 1),
               pg_is_in_recovery(),
               current_setting('max_connections')::int8,
               current_setting('superuser_reserved_connections')::int8,
               (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int8,
               (SELECT count(*) FROM pg_stat_replication)::int8,
               (SELECT max(extract(epoch FROM replay_lag)) FROM pg_stat_replication)::float8,
               (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))
                  FROM pg_stat_replication WHERE NOT pg_is_in_recovery())::float8,
               CASE WHEN NOT pg_is_in_recovery() THEN NULL
                    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8,
               CASE WHEN pg_is_in_recovery()
                    THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) END::float8,
               (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver WHERE sender_host IS NOT NULL LIMIT 1)
        """

    /// Per database. Sizes only when asked (`pg_database_size` walks each
    /// database's directory: most of the server's work for a poll), and only
    /// where the role may read them, since it fails for a database one may
    /// not connect to.
    static func databases(withSizes: Bool) -> String {
        let size =
            withSizes
            ? """
            CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE')
                 THEN pg_database_size(d.oid) END::int8
            """ : "NULL::int8"
        return """
            SELECT d.datname::text,
                   \(size),
                   (coalesce(s.xact_commit, 0) + coalesce(s.xact_rollback, 0))::int8,
                   coalesce(s.blks_hit, 0)::int8,
                   coalesce(s.blks_read, 0)::int8,
                   coalesce(a.backends, 0)::int8,
                   coalesce(a.active, 0)::int8,
                   coalesce(a.idle_in_transaction, 0)::int8,
                   a.slowest::float8
              FROM pg_database d
              LEFT JOIN pg_stat_database s ON s.datid = d.oid
              LEFT JOIN (
                    SELECT datid,
                           count(*) AS backends,
                           count(*) FILTER (WHERE state = 'active' AND pid <> pg_backend_pid()) AS active,
                           count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction,
                           max(extract(epoch FROM clock_timestamp() - query_start))
                               FILTER (WHERE state = 'active' AND pid <> pg_backend_pid()) AS slowest
                      FROM pg_stat_activity
                     WHERE backend_type = 'client backend'
                     GROUP BY datid
                   ) a ON a.datid = d.oid
             WHERE d.datallowconn AND NOT d.datistemplate
             ORDER BY d.datname
            """
    }

    static let clients = """
        SELECT datname::text, coalesce(application_name, ''), host(client_addr), count(*)::int8
          FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS NOT NULL
         GROUP BY 1, 2, 3
        """

    /// The text of each database's longest running statement, cut on the
    /// server so a huge statement never crosses the wire whole. Run only when
    /// query text is allowed.
    static let slowestTexts = """
        SELECT DISTINCT ON (datname) datname::text, left(query, 2048)
          FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
               AND datname IS NOT NULL AND query_start IS NOT NULL
         ORDER BY datname, query_start
        """
}
