import AsyncHTTPClient
package import GestaltEngine
import GestaltModel
import NATSClient

/// The NATS collector: polls a nats-server's monitoring endpoints and maps
/// the server, its client connections, subjects, JetStream streams and
/// consumers into the topology; samples message flow on the configured
/// subjects through a NATS connection, counting per-subject rates without
/// keeping payloads.
///
/// A failed poll sets the status to `error` and throws out of `run(in:)`;
/// the supervisor backs off and runs it again, and the first picture of the
/// new run is diffed against what the store holds for this instance.
package struct NATSSource: RescannableSource {
    package let instance: SourceInstance
    package let configuration: NATSSourceConfiguration
    /// A rescan job's "poll now", served by the running loop.
    private let requests: CycleRequests<SourceSnapshot>
    /// The client name the sampler connects with; it is left out of the picture.
    static let samplerName = "gestalt-nats-sampler"

    package init(instance: SourceInstance = SourceInstance(kind: "nats"), configuration: NATSSourceConfiguration) {
        self.instance = instance
        self.configuration = configuration
        self.requests = CycleRequests(name: instance.description)
    }

    /// A poll now, by the running loop, which applies it as any other; the
    /// job diffs the picture against the store to reconcile drift.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot { try await requests.request() }

    /// The mapper scores health itself.
    package var rescanHealth: HealthOrigin { .given }

    package func run(in context: SourceContext) async throws {
        context.setStatus(.syncing, message: "polling \(configuration.monitorURL)")
        do {
            try await requests.serving { try await collect(in: context) }
        } catch is CancellationError {
            context.setStatus(.stopped)
        } catch {
            context.setStatus(.error, message: "\(error)")
            throw error
        }
    }

    private func collect(in context: SourceContext) async throws {
        let monitor = NATSMonitorClient(baseURL: configuration.monitorURL)
        var mapper = NATSTopologyMapper(instance: instance, ownClientName: Self.samplerName)
        var previous = context.ownedSnapshot()

        // Flow sampling is optional: without subjects no client connection is made.
        var sampler: NATSFlowSampler?
        var connection: NATSConnection?
        if !configuration.subjects.isEmpty {
            var options = try NATSConnectionOptions(url: configuration.url)
            options.name = Self.samplerName
            let opened = try await NATSConnection.connect(options)
            connection = opened
            sampler = try await NATSFlowSampler.start(on: opened, subjects: configuration.subjects)
        }
        let sampling = Task { [sampler] in await sampler?.run() }
        defer { sampling.cancel() }
        do {
            var lastFlow = ContinuousClock.now
            while true {
                try Task.checkCancellation()
                let cycleStart = ContinuousClock.now
                let asked = requests.take()
                let sample: NATSMonitorSample
                do { sample = try await monitor.sample() } catch {
                    requests.answer(asked, .failure(error)); throw error
                }
                let flow = sampler?.take() ?? [:]
                let flowSeconds = (sample.takenAt - lastFlow).seconds
                lastFlow = sample.takenAt
                let (snapshot, notes) = mapper.map(
                    sample, flow: flow, flowSeconds: flowSeconds, samplerDropped: sampler?.dropped ?? 0)
                let changes = SnapshotDiff.changes(from: previous, to: snapshot).map(Self.withGivenHealth)
                previous = snapshot
                if !changes.isEmpty { context.sink.apply(changes, now: .now()) }
                requests.answer(asked, .success(snapshot))
                if notes.newSlowConsumers > 0 {
                    let server = mapper.serverID(sample.varz)
                    context.sink.record(
                        InfraEvent(
                            type: "Warning", reason: "SlowConsumer",
                            message:
                                "\(notes.newSlowConsumers) new slow consumer(s) on \(sample.varz.serverName ?? sample.varz.serverID)",
                            entityID: server, entityKind: .custom,
                            entityName: sample.varz.serverName ?? sample.varz.serverID, severity: .warning))
                }
                var details = ["entities": "\(snapshot.entities.count)", "server": sample.varz.version]
                if let connection { details["sampler"] = "\(connection.status)" }
                let degraded = connection.map { $0.status != .connected } ?? false
                context.recordRun(startedAt: cycleStart, warnings: degraded ? ["flow sampler reconnecting"] : [])
                context.setStatus(
                    degraded ? .degraded : .ready, message: degraded ? "flow sampler reconnecting" : "",
                    details: details)
                try await requests.pause(until: .now + configuration.pollInterval)
            }
        } catch {
            await connection?.close()
            throw error
        }
    }

    /// The mapper scores health itself (lag, pending bytes, slow consumers).
    private static func withGivenHealth(_ change: TopologyChange) -> TopologyChange {
        if case .upsertEntity(let entity, _) = change { return .upsertEntity(entity, health: .given) }
        return change
    }
}
