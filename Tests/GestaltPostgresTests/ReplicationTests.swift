import GestaltEngine
import GestaltModel
import GestaltPostgres
import TestPeers
import Testing

/// A real primary and its streaming replica (`pg_basebackup -R`), both
/// collected: the primary counts its replica and the WAL it has not replayed,
/// the replica says how far behind its replay is and which primary it follows.
@Suite struct ReplicationTests {
    @Test func replicationLagAndTheReplicaRelationship() async throws {
        let primary = try await PostgresServer.start(name: "postgres-primary")
        defer { primary.shutdown() }
        try primary.psql("CREATE TABLE orders (id int)")
        let replica = try await PostgresServer.startReplica(of: primary)
        defer { replica.shutdown() }

        let fixture = SourceFixture()
        let source = PostgresSource(
            instance: fixture.instance, configuration: configuration([primary.url(), replica.url()]))
        let run = fixture.runSupervised(source)
        defer { run.cancel() }
        let primaryID = fixture.serverID(primary), replicaID = fixture.serverID(replica)

        try await waitUntil("the primary streaming to one replica") {
            fixture.metric(primaryID, "replicas") == 1
        }
        try await waitUntil("the replica caught up") { fixture.metric(replicaID, "replication_lag_bytes") == 0 }
        let standby = try #require(fixture.entity(replicaID))
        #expect(standby.labels["postgres.standby"] == "true")
        #expect(standby.labels["postgres.upstream"] == "127.0.0.1:\(primary.port)")
        #expect(fixture.entity(primaryID)?.labels["postgres.standby"] == nil)
        #expect(fixture.metric(primaryID, "replication_lag_seconds") != nil)
        // The replica depends on its primary.
        let edge = Connection(sourceID: replicaID, targetID: primaryID, kind: .depends)
        #expect(fixture.store.connection(id: edge.id) != nil)
        #expect(fixture.metric(replicaID, "replication_lag_seconds") == 0)

        // A transaction replayed, so the replica has a replay time to measure from.
        try primary.psql("INSERT INTO orders VALUES (0)")
        try await waitUntil("the first row on the replica") {
            (try? replica.psql("SELECT count(*) FROM orders")) == "1"
        }

        // Replay paused, writes on the primary: WAL the replica has received but not replayed.
        try replica.psql("SELECT pg_wal_replay_pause()")
        try primary.psql("INSERT INTO orders SELECT generate_series(1, 10000)")
        try await waitUntil("the replica behind in bytes and seconds") {
            (fixture.metric(replicaID, "replication_lag_bytes") ?? 0) > 0
                && (fixture.metric(replicaID, "replication_lag_seconds") ?? 0) > 0
        }
        try await waitUntil("the primary sees the replica behind") {
            (fixture.metric(primaryID, "replication_lag_bytes") ?? 0) > 0
        }

        // Replay resumed: the replica catches up by itself.
        try replica.psql("SELECT pg_wal_replay_resume()")
        try await waitUntil("the replica caught up again") {
            fixture.metric(replicaID, "replication_lag_bytes") == 0
                && fixture.metric(replicaID, "replication_lag_seconds") == 0
        }
        #expect(try replica.psql("SELECT count(*) FROM orders") == "10001")
        #expect(fixture.status?.state == .ready)
    }
}
