package import GestaltEngine
import GestaltModel
package import Logging
import Metrics
import Synchronization
import Tracing

/// The PostgreSQL source: polls every configured server, maps each to a
/// server entity and one entity per database (docs/POSTGRES.md), and writes
/// what changed through the context's sink.
///
/// Failures: a server that cannot be reached or refuses the collector's user
/// shows as a failed entity and in the status message, by `host:port` (never
/// by URL, which may hold a password). While another server answers, the
/// source is `degraded` and goes on; when none answers, `run` throws, so the
/// supervisor backs off and runs it again.
///
/// ```swift
/// let source = PostgresSource(
///     instance: SourceInstance(kind: "postgres"),
///     configuration: PostgresSourceConfiguration(urls: ["postgres://monitor:secret@db:5432/postgres"])
/// )
/// try await source.run(in: context)   // until cancelled, or until every server fails
/// ```
package final class PostgresSource: RescannableSource {
    package let instance: SourceInstance
    package let configuration: PostgresSourceConfiguration
    private let logger: Logger
    /// Kept across runs; only one run is active at a time (the supervisor's
    /// contract), the lock only makes handing it between runs safe.
    private let memory: Mutex<PostgresCollector>
    /// A rescan job's "cycle now", served by the running loop.
    private let requests: CycleRequests<SourceSnapshot>

    package init(
        instance: SourceInstance, configuration: PostgresSourceConfiguration,
        logger: Logger = Logger(label: "gestalt.postgres")
    ) {
        self.instance = instance
        self.configuration = configuration
        self.logger = logger
        self.memory = Mutex(
            PostgresCollector(
                mapping: PostgresMapping(
                    idPrefix: instance.idPrefix("postgres"), source: instance.description, configuration: configuration
                )))
        self.requests = CycleRequests(name: instance.description)
    }

    /// A poll of every server now, by the running loop, which applies it as
    /// any other; the job diffs the picture against the store to reconcile drift.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot { try await requests.request() }

    /// The collector judges health itself.
    package var rescanHealth: HealthOrigin { .given }

    package func run(in context: SourceContext) async throws {
        try await requests.serving { try await collect(in: context) }
    }

    private func collect(in context: SourceContext) async throws {
        let addresses: [PostgresServerAddress]
        do {
            addresses = try configuration.urls.map { url throws(PostgresSourceError) in
                try PostgresServerAddress(url: url)
            }
            guard !addresses.isEmpty else { throw PostgresSourceError.configuration("no server URL is configured") }
        } catch {
            context.setStatus(.error, message: "\(error)")
            throw error
        }
        let probes = addresses.map {
            ServerProbe(
                address: $0, allowQueryText: configuration.allowQueryText, queryTextLimit: configuration.queryTextLimit,
                connectTimeout: configuration.connectTimeout, sizeInterval: configuration.sizeInterval, logger: logger
            )
        }
        context.setStatus(.syncing, message: "connecting to \(addresses.map(\.name).joined(separator: ", "))")
        var collector = memory.withLock { $0 }
        let owned = context.ownedSnapshot()
        collector.adopt(owned)
        var diff = SnapshotDiff()
        _ = diff.changes(to: owned)
        let cost = Metrics.Timer(label: "gestalt_source_cycle_seconds", dimensions: [("source", instance.description)])
        do {
            while true {
                try Task.checkCancellation()
                // One span per poll, so a collector sees what each costs the server (docs/OTEL.md).
                let span = startSpan("postgres.poll")
                let started = ContinuousClock.now
                let asked = requests.take()
                let cycle = await Self.poll(
                    probes, collector: &collector, clientEntities: configuration.clientEntities, context: context)
                // A poll cut short by cancellation says nothing about the servers.
                if Task.isCancelled { span.end(); requests.answer(asked, .failure(CancellationError())) }
                try Task.checkCancellation()
                memory.withLock { $0 = collector }
                apply(cycle, diff: &diff, context: context)
                span.attributes["gestalt.source"] = instance.description
                span.attributes["gestalt.servers"] = addresses.count
                span.attributes["gestalt.servers_failed"] = cycle.failures.count
                span.attributes["gestalt.entities"] = cycle.snapshot.entities.count
                if cycle.answered == 0 { span.setStatus(SpanStatus(code: .error, message: "no server answered")) }
                span.end()
                cost.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                context.recordRun(
                    startedAt: started, warnings: cycle.answered > 0 ? cycle.failures.map(\.description) : [],
                    error: cycle.answered == 0 && !cycle.failures.isEmpty ? "no server answers" : nil
                )
                do {
                    try report(cycle, servers: addresses.count, context: context)
                    // With the edges from other sources' clients, which the store holds as this source's too.
                    var picture = cycle.snapshot
                    picture.merge(SourceSnapshot(connections: cycle.clientEdges))
                    requests.answer(asked, .success(picture))
                } catch {
                    requests.answer(asked, .failure(error))
                    throw error
                }
                try await requests.pause(until: .now + configuration.pollInterval)
            }
        } catch {
            for probe in probes { await probe.close() }
            throw error
        }
    }

    /// Samples every server at once and turns the outcomes into one cycle.
    package static func poll(
        _ probes: [ServerProbe], collector: inout PostgresCollector, clientEntities: [String: String],
        context: SourceContext
    ) async -> PostgresCollector.Cycle {
        let outcomes = await withTaskGroup(of: (Int, PostgresCollector.Outcome).self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask {
                    let result: Result<ServerSample, PostgresSourceError>
                    do throws(PostgresSourceError) { result = .success(try await probe.sample()) } catch {
                        result = .failure(error)
                    }
                    return (index, PostgresCollector.Outcome(server: probe.address.name, result: result))
                }
            }
            var outcomes: [(Int, PostgresCollector.Outcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let matcher = ClientMatcher(clientEntities: clientEntities) { context.entity(id: $0) != nil }
        return collector.absorb(outcomes, matcher: matcher)
    }

    private func apply(_ cycle: PostgresCollector.Cycle, diff: inout SnapshotDiff, context: SourceContext) {
        var changes = diff.changes(to: cycle.snapshot).map { change -> TopologyChange in
            // The collector judged the health itself (pool, long queries, reachability).
            if case .upsertEntity(let entity, _) = change { return .upsertEntity(entity, health: .given) }
            return change
        }
        let upserted = Set(changes.compactMap { if case .upsertConnection(let c) = $0 { c.id } else { nil } })
        changes += cycle.clientEdges.filter { !upserted.contains($0.id) }.map { .upsertConnection($0) }
        if !changes.isEmpty {
            let result = context.sink.apply(changes, now: .now())
            for rejection in result.rejected {
                logger.debug("store refused a change", metadata: ["error": "\(rejection.error)"])
            }
        }
        for event in cycle.events { context.sink.record(event) }
    }

    private func report(_ cycle: PostgresCollector.Cycle, servers: Int, context: SourceContext) throws {
        let databases = cycle.snapshot.entities.values.filter {
            $0.labels["postgres.role"] == "database" && $0.status == .running
        }.count
        let details = Dictionary(
            cycle.failures.map { (Self.serverName(of: $0), $0.description) }, uniquingKeysWith: { a, _ in a })
        if cycle.failures.isEmpty {
            context.setStatus(.ready, message: "\(servers) server\(servers == 1 ? "" : "s"), \(databases) databases")
        } else if cycle.answered > 0 {
            context.setStatus(
                .degraded,
                message: "\(cycle.answered) of \(servers) servers answer; "
                    + cycle.failures.map(\.description).joined(separator: "; "),
                details: details
            )
        } else {
            let error = PostgresSourceError.allServersFailed(cycle.failures)
            context.setStatus(.error, message: error.description, details: details)
            logger.warning("PostgreSQL source failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private static func serverName(of error: PostgresSourceError) -> String {
        switch error {
        case .unreachable(let server, _), .authentication(let server, _, _), .query(let server, _),
            .malformed(let server, _):
            server
        case .configuration, .allServersFailed: "configuration"
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
