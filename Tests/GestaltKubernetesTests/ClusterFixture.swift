import FakeKubeAPI
import Foundation
import GestaltEngine
import GestaltKubernetes
import GestaltModel
import Logging
import TestPeers

/// A fake API server seeded with a small shop, and the real source running against it.
final class ClusterFixture: Sendable {
    let server: FakeKubeServer
    let store: TopologyStore
    let board = SourceStatusBoard()
    let sourceName: String
    let source: KubernetesSource
    private let task: Task<Void, Never>?

    var cluster: FakeCluster { server.cluster }

    static func start(
        namespaces: [String] = [], seed: Bool = true, cluster: String? = nil, store: TopologyStore = TopologyStore(),
        sink: (any ChangeSink)? = nil, prepare: (FakeCluster) throws -> Void = { _ in },
        tune: (inout KubernetesTuning) -> Void = { _ in }
    ) async throws -> ClusterFixture {
        let server = FakeKubeServer()
        if seed { try Seed.shop(server.cluster) }
        try prepare(server.cluster)
        let port = try await server.start()
        var tuning = KubernetesTuning()
        tuning.backoffInitial = .milliseconds(50)
        tuning.backoffMax = .milliseconds(400)
        tuning.metricsInterval = .milliseconds(300)
        tuning.coalesce = .milliseconds(5)
        tune(&tuning)
        let configuration = KubernetesConfiguration(
            server: "http://127.0.0.1:\(port)", namespaces: namespaces, contextName: "fake", tuning: tuning
        )
        return ClusterFixture(
            server: server, configuration: configuration, cluster: cluster, store: store, sink: sink ?? store)
    }

    /// The source runs under a `SourceSupervisor`, as in the server: its
    /// outages mark its entities stale.
    private init(
        server: FakeKubeServer, configuration: KubernetesConfiguration, cluster: String?, store: TopologyStore,
        sink: any ChangeSink
    ) {
        self.server = server
        self.store = store
        var logger = Logger(label: "kubernetes-test")
        logger.logLevel = .critical
        let source = KubernetesSource(configuration: configuration, cluster: cluster, logger: logger)
        self.source = source
        sourceName = source.instance.description
        let supervisor = SourceSupervisor(source: source, sink: sink, store: store, statusBoard: board)
        task = Task { await supervisor.run() }
    }

    func stop() async {
        task?.cancel()
        await task?.value
        await server.stop()
    }

    var status: SourceStatus? { board.status(of: sourceName) }
    var entityIDs: Set<String> { Set(store.snapshot().entities.map(\.id)) }
    var connectionIDs: Set<String> { Set(store.snapshot().connections.map(\.id)) }

    /// Waits until the store shows exactly what the fake cluster holds.
    func waitForConvergence(_ comment: String = "") async throws {
        try await waitUntil("topology matches the fake cluster \(comment)") {
            let expected = Expected(cluster: cluster)
            return entityIDs == expected.entityIDs && connectionIDs == expected.connectionIDs
        }
    }

    /// Requests that (re)built a resource's state from scratch: lists and WatchList watches.
    func fullSyncCount(_ path: String) -> Int {
        cluster.requests.filter {
            $0.path == path && (!$0.isWatch || $0.query.contains("sendInitialEvents=true")) && $0.status == 200
        }.count
    }
}
