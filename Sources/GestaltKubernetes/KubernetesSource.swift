package import GestaltEngine
import GestaltModel
package import Logging

/// The Kubernetes source: a reflector per resource feeding one cache, and a
/// projection that turns what changed in the cache into topology changes
/// and InfraEvents, written through the context's sink (the churn pipeline).
/// Its state is published as the `kubernetes` (or `kubernetes@<cluster>`)
/// source status.
///
/// ```swift
/// let configuration = try KubernetesConfiguration.load(kubeconfigPath: path, context: nil, namespaces: [])
/// let source = KubernetesSource(configuration: configuration, cluster: "prod", logger: logger)
/// try await source.run(in: context)   // until cancelled
/// ```
package final class KubernetesSource: RescannableSource {
    package let configuration: KubernetesConfiguration
    package let instance: SourceInstance
    private let logger: Logger
    private let naming: KubernetesNaming
    let cache = ObjectCache()

    /// `cluster` names the instance; nil keeps the unnamed ids (`k8s:pod/…`).
    package init(configuration: KubernetesConfiguration, cluster: String? = nil, logger: Logger) {
        self.configuration = configuration
        self.instance = SourceInstance(kind: "kubernetes", name: cluster)
        self.naming = KubernetesNaming(instance: instance)
        self.logger = logger
    }

    /// Lists, watches and projects until the task is cancelled. Failures of
    /// the cluster are retried by the reflectors and shown in the source
    /// status; only a client that cannot be built at all throws.
    package func run(in context: SourceContext) async throws {
        let client: KubernetesClient
        do {
            client = try KubernetesClient(configuration: configuration)
        } catch {
            logger.error("Kubernetes source cannot start: \(error)")
            throw error
        }
        let scopes = reflectorScopes()
        let board = SyncBoard(
            reflectors: scopes.map(\.name), statusBoard: context.statusBoard, server: configuration.server,
            sourceName: naming.source
        )
        logger.info(
            "Kubernetes source starting",
            metadata: [
                "source": "\(naming.source)", "server": "\(configuration.server)",
                "context": "\(configuration.contextName ?? "-")",
                "namespaces":
                    "\(configuration.namespaces.isEmpty ? "all" : configuration.namespaces.joined(separator: ","))",
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
            group.addTask { await self.project(board: board, context: context, owned: context.ownedSnapshot()) }
            await group.waitForAll()
        }
        await client.shutdown()
    }

    /// A fresh list of every resource, reconciled into the cache as a
    /// reflector's relist is (only real differences, and never older than what
    /// a watch already brought): what a stalled or broken watch missed is
    /// picked up, and the running projection publishes it. The answer is the
    /// whole cluster's projection, which the job diffs against the store.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot {
        let client = try KubernetesClient(configuration: configuration)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for scope in reflectorScopes() {
                    let pager = ListPager(
                        resource: scope.resource, namespace: scope.namespace, client: client,
                        pageSize: configuration.tuning.pageSize)
                    let cache = self.cache, eventLimit = configuration.tuning.initialEventLimit
                    group.addTask {
                        let listed: (items: [KubeObject], resourceVersion: String)
                        do {
                            listed = try await pager.fetch()
                        } catch let error as KubernetesError where error.isForbidden {
                            // As in a reflector: a forbidden resource does not stop the others.
                            return
                        }
                        cache.replace(
                            scope.resource, namespace: scope.namespace, with: listed.items, eventLimit: eventLimit,
                            listedAt: listed.resourceVersion)
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        let projection = TopologyProjection(naming: naming)
        var picture = SourceSnapshot()
        for partition in cache.allPartitions().values {
            picture.merge(projection.snapshot(of: partition) { self.cache.podUsage(namespace: $0, name: $1) })
        }
        return picture
    }

    /// One reflector per resource, per watched namespace for namespaced resources.
    private func reflectorScopes() -> [(resource: ResourceKind, namespace: String?, name: String)] {
        ResourceKind.allCases.flatMap { resource -> [(resource: ResourceKind, namespace: String?, name: String)] in
            guard resource.namespaced, !configuration.namespaces.isEmpty else {
                return [(resource, nil, resource.rawValue)]
            }
            return configuration.namespaces.map { (resource, $0, "\(resource.rawValue)/\($0)") }
        }
    }

    /// Waits for the first full sync, so the map never shows a half-listed
    /// cluster, then applies each batch of cache changes to the store. Each
    /// batch is a run of this source's plugin (docs/SOURCES.md), timed from
    /// draining the cache to the store having it.
    private func project(board: SyncBoard, context: SourceContext, owned: SourceSnapshot) async {
        let sink = context.sink
        for await _ in board.settled { break }
        guard !Task.isCancelled else { return }
        var diffs: [String: SnapshotDiff] = [:]
        let projection = TopologyProjection(naming: naming)
        let events = EventMapper(naming: naming)
        var first = true
        var wakeups = cache.wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            if !first {
                guard await wakeups.next() != nil else { return }
                // Let a burst of watch events land in one batch.
                try? await Task.sleep(for: configuration.tuning.coalesce)
            }
            let batchStart = ContinuousClock.now
            let (dirty, newEvents) = cache.drain()
            var changes: [TopologyChange] = []
            var seen = SourceSnapshot()
            for name in dirty.sorted() {
                let partition = cache.partition(name) ?? ObjectCache.Partition()
                let snapshot = projection.snapshot(of: partition) { self.cache.podUsage(namespace: $0, name: $1) }
                changes += diffs[name, default: SnapshotDiff()].changes(to: snapshot)
                if first { seen.merge(snapshot) }
            }
            // What the store still holds from before a restart but the
            // cluster no longer has goes first; everything else is upserted.
            if first { changes = SnapshotDiff.removals(from: owned, to: seen) + changes }
            if !changes.isEmpty {
                let result = sink.apply(changes, now: .now())
                for rejection in result.rejected {
                    logger.debug("store refused a change", metadata: ["error": "\(rejection.error)"])
                }
            }
            for object in newEvents {
                if let event = events.infraEvent(for: object) { sink.record(event) }
            }
            if !changes.isEmpty || !newEvents.isEmpty { context.recordRun(startedAt: batchStart) }
            first = false
        }
    }
}
