public import GestaltEngine
import GestaltModel
public import Logging

/// The Kubernetes source: a reflector per resource feeding one cache, and a
/// projection that turns what changed in the cache into topology changes
/// and InfraEvents. Its state is published as the "kubernetes" source status.
///
/// ```swift
/// let configuration = try KubernetesConfiguration.load(kubeconfigPath: path, context: nil, namespaces: [])
/// let source = KubernetesSource(configuration: configuration, store: store, statusBoard: board, logger: logger)
/// try await source.run()   // until cancelled
/// ```
public final class KubernetesSource: Sendable {
    public let configuration: KubernetesConfiguration
    private let store: TopologyStore
    private let statusBoard: SourceStatusBoard
    private let logger: Logger
    let cache = ObjectCache()

    public init(configuration: KubernetesConfiguration, store: TopologyStore, statusBoard: SourceStatusBoard, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.statusBoard = statusBoard
        self.logger = logger
    }

    /// Lists, watches and projects until the task is cancelled. Failures are
    /// retried and shown in the source status; they never end the run.
    public func run() async throws {
        let client: KubernetesClient
        do {
            client = try KubernetesClient(configuration: configuration)
        } catch {
            logger.error("Kubernetes source cannot start: \(error)")
            statusBoard.set(SyncBoard.sourceName, .error, message: error.description)
            // Stay up with the error visible, rather than take the server down.
            while (try? await Task.sleep(for: .seconds(3600))) != nil {}
            return
        }
        let scopes = reflectorScopes()
        let board = SyncBoard(reflectors: scopes.map(\.name), statusBoard: statusBoard, server: configuration.server)
        logger.info("Kubernetes source starting", metadata: [
            "server": "\(configuration.server)", "context": "\(configuration.contextName ?? "-")",
            "namespaces": "\(configuration.namespaces.isEmpty ? "all" : configuration.namespaces.joined(separator: ","))",
        ])
        await withTaskGroup(of: Void.self) { group in
            for scope in scopes {
                let reflector = Reflector(
                    resource: scope.resource, namespace: scope.namespace, client: client, cache: cache, board: board,
                    tuning: configuration.tuning, logger: logger
                )
                group.addTask { await reflector.run() }
            }
            let poller = MetricsPoller(
                client: client, cache: cache, board: board, namespaces: configuration.namespaces,
                interval: configuration.tuning.metricsInterval, logger: logger
            )
            group.addTask { await poller.run() }
            group.addTask { await self.project(board: board) }
            await group.waitForAll()
        }
        await client.shutdown()
        statusBoard.set(SyncBoard.sourceName, .stopped, message: "stopped")
    }

    /// One reflector per resource, per watched namespace for namespaced resources.
    private func reflectorScopes() -> [(resource: ResourceKind, namespace: String?, name: String)] {
        ResourceKind.allCases.flatMap { resource -> [(resource: ResourceKind, namespace: String?, name: String)] in
            guard resource.namespaced, !configuration.namespaces.isEmpty else { return [(resource, nil, resource.rawValue)] }
            return configuration.namespaces.map { (resource, $0, "\(resource.rawValue)/\($0)") }
        }
    }

    /// Waits for the first full sync, so the map never shows a half-listed
    /// cluster, then applies each batch of cache changes to the store.
    private func project(board: SyncBoard) async {
        for await _ in board.settled { break }
        guard !Task.isCancelled else { return }
        var diffs: [String: SnapshotDiff] = [:]
        let projection = TopologyProjection()
        let events = EventMapper()
        var first = true
        var wakeups = cache.wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            if !first {
                guard await wakeups.next() != nil else { return }
                // Let a burst of watch events land in one batch.
                try? await Task.sleep(for: configuration.tuning.coalesce)
            }
            first = false
            let (dirty, newEvents) = cache.drain()
            var changes: [TopologyChange] = []
            for name in dirty.sorted() {
                let partition = cache.partition(name) ?? ObjectCache.Partition()
                let snapshot = projection.snapshot(of: partition) { self.cache.podUsage(namespace: $0, name: $1) }
                changes += diffs[name, default: SnapshotDiff()].changes(to: snapshot)
            }
            if !changes.isEmpty {
                let result = store.apply(changes)
                for rejection in result.rejected {
                    logger.debug("store refused a change", metadata: ["error": "\(rejection.error)"])
                }
            }
            for object in newEvents {
                if let event = events.infraEvent(for: object) { store.record(event) }
            }
        }
    }
}
