import Foundation
import GestaltEngine
import GestaltModel
import GestaltPrometheus
import Hummingbird
import HummingbirdTesting
import TestPeers
import Testing

/// The enrichment stage of a job against a real Prometheus: the enricher's
/// own cycle runs once an hour, so a pod added after its first cycle is
/// enriched only by the cycles the jobs ask for.
@Suite(.serialized) struct EnrichmentRescanTests {
    @Test func aJobRunsAnEnrichmentCycleNow() async throws {
        try await PrometheusEnrichmentTests.exporter.application().test(.live) { client in
            let exporterPort = try #require(client.port)
            let prometheusPort = try PeerProcess.freePort()
            let prometheus = try await PrometheusPeer.start(port: prometheusPort, scraping: [exporterPort])
            defer { prometheus.stop() }

            let store = TopologyStore()
            let board = SourceStatusBoard()
            var hourly = PrometheusEnrichmentTests.configuration(prometheusPort: prometheusPort)
            hourly.interval = .seconds(3600)
            let enricher = PrometheusEnricher(configuration: hourly)
            #expect(enricher.pluginMetadata.capabilities == ["enrich", "rescan"])
            let context = SourceContext(instance: enricher.instance, sink: store, store: store, statusBoard: board)
            let run = Task { try await enricher.run(in: context) }
            defer { run.cancel() }
            try await waitUntil("the first cycle") {
                board.status(of: "prometheus") != nil && board.status(of: "prometheus")?.state != .syncing
            }

            let web = PrometheusEnrichmentTests.web
            store.apply([.upsertEntity(web)])
            let jobs = JobRunner(store: store)
            jobs.attach(sources: [enricher], sink: store, statusBoard: board)
            // Prometheus needs a few scrapes before rate() answers: each job is one cycle now.
            var last: Job?
            try await waitUntil("a job's cycle enriches web-1", timeout: .seconds(60)) {
                let job = try jobs.submit(JobRequest(kind: .rescan))
                try await waitUntil("the job ends") { jobs.job(job.id)?.state.isFinished == true }
                last = jobs.job(job.id)
                return store.entity(id: web.id)?.memoryBytes == 256_000_000
            }
            let job = try #require(last)
            #expect(job.state == .completed)
            #expect(Set(job.pluginTimings.keys) == ["prometheus", "health"])
            #expect(job.pluginStatus["prometheus"] == .completed)
        }
    }
}
