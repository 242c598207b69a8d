import Foundation
import GestaltEngine
import GestaltLayout
import GestaltModel
import Synchronization
import TestPeers
import Testing

/// The layout as the last stage of a rescan job: the job's changes reach the
/// layout through the log, the pass is timed, and the stages come in the
/// pipeline's order.
@Suite("Layout stage of a job")
struct LayoutStageTests {
    /// A source whose fresh list is a fixed set of pods.
    struct ListedPods: RescannableSource {
        let instance = SourceInstance(kind: "test")
        let pods: [Entity]
        func run(in context: SourceContext) async throws {}
        func rescan(in context: SourceContext) async throws -> SourceSnapshot { SourceSnapshot(entities: pods) }
    }

    @Test func aRescanTimesEveryStageInOrderAndTheLayoutPlacesWhatItFound() async throws {
        let store = TopologyStore()
        var configuration = LayoutConfiguration(seed: 5)
        configuration.tickInterval = .milliseconds(5)
        configuration.maxMovesPerSecond = 100_000
        let layout = LayoutService(store: store, configuration: configuration)
        let task = Task { try await layout.run() }
        defer { task.cancel() }
        // The loop registers its plugin once it runs (and serves requests).
        try await waitUntil("the layout registers its plugin") { store.plugins.report("layout") != nil }

        let pods = (0..<5).map {
            Entity(id: "test:pod/p\($0)", kind: .pod, name: "p\($0)", namespace: "ns", source: "test")
        }
        let source = ListedPods(pods: pods)
        let jobs = JobRunner(store: store)
        jobs.attach(sources: [source], sink: store, statusBoard: SourceStatusBoard())
        jobs.attach(stages: [layout.stage])
        let seen = Mutex<[(String, String)]>([])
        jobs.onMessage { message in
            guard message.type == "plugin_status",
                let body = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                let plugin = body["plugin"] as? String, let status = body["status"] as? String
            else { return }
            seen.withLock { $0.append((plugin, status)) }
        }

        let job = try jobs.submit(JobRequest(kind: .rescan))
        try await waitUntil("the job ends") { jobs.job(job.id)?.state.isFinished == true }
        let done = try #require(jobs.job(job.id))
        #expect(done.state == .completed)
        #expect(Set(done.pluginTimings.keys) == ["test", "health", "layout"])
        #expect(done.pluginStatus["layout"] == .completed)
        let started = seen.withLock { $0 }.filter { $0.1 == "started" }.map(\.0)
        #expect(started == ["test", "health", "layout"], "sources, then health, then the layout")
        try await waitUntil("every listed pod placed") {
            pods.allSatisfy { LayoutServiceTests.isPlaced(store.entity(id: $0.id)) }
        }
    }

    @Test func aLayoutThatIsNotRunningFailsItsStageClearly() async throws {
        let store = TopologyStore()
        let layout = LayoutService(store: store)
        let jobs = JobRunner(store: store)
        jobs.attach(stages: [layout.stage])
        let job = try jobs.submit(JobRequest(kind: .rescan))
        try await waitUntil("the job ends") { jobs.job(job.id)?.state.isFinished == true }
        let done = try #require(jobs.job(job.id))
        // Only sources can fail a job; a stage that cannot run is a failed plugin with its reason.
        #expect(done.state == .completed)
        #expect(done.pluginStatus["layout"] == .failed)
        #expect(done.warnings.contains { $0.contains("layout is not running now") })
    }
}
