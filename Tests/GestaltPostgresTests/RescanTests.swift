import GestaltEngine
import GestaltModel
import GestaltPostgres
import TestPeers
import Testing

/// A rescan job against a real PostgreSQL server: the source polls only once
/// an hour, so a database created after its first poll is seen only because
/// the job asked the running loop for a cycle now.
@Suite struct RescanTests {
    @Test func aRescanPollsNowAndSeesADatabaseTheLastPollMissed() async throws {
        let server = try await PostgresServer.start()
        defer { server.shutdown() }
        let fixture = SourceFixture()
        var hourly = configuration([server.url()])
        hourly.pollInterval = .seconds(3600)
        let source = PostgresSource(instance: fixture.instance, configuration: hourly)
        let run = Task { try? await source.run(in: fixture.context) }
        defer { run.cancel() }
        try await waitUntil("the first poll") { fixture.status?.state == .ready }

        try server.psql("CREATE DATABASE late")
        let late = fixture.databaseID(server, "late")
        #expect(fixture.entity(late) == nil)

        let jobs = JobRunner(store: fixture.store)
        jobs.attach(sources: [source], sink: fixture.store, statusBoard: fixture.board)
        let job = try jobs.submit(JobRequest(kind: .rescan))
        try await waitUntil("the rescan ends") { jobs.job(job.id)?.state.isFinished == true }
        let done = try #require(jobs.job(job.id))
        #expect(done.state == .completed)
        #expect(Set(done.pluginTimings.keys) == ["postgres", "health"])
        #expect(fixture.entity(late) != nil, "the poll the job asked for saw the new database")
    }
}
