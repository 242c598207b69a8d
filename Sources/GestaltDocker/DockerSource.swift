import Foundation
package import GestaltEngine

/// The Docker Engine as a source of topology: containers, networks,
/// volumes and compose projects, kept current by the engine's `/events`
/// stream and one stats stream per running container (docs/DOCKER.md).
///
/// ```swift
/// let source = DockerSource(instance: SourceInstance(kind: "docker"),
///                           configuration: DockerSourceConfiguration(socket: "unix:///var/run/docker.sock"))
/// try await source.run(in: context)
/// ```
package struct DockerSource: RescannableSource {
    package let instance: SourceInstance
    package let configuration: DockerSourceConfiguration
    /// A rescan job's full re-list, served by the running session.
    private let requests: CycleRequests<SourceSnapshot>

    package init(
        instance: SourceInstance = SourceInstance(kind: "docker"),
        configuration: DockerSourceConfiguration = DockerSourceConfiguration()
    ) {
        self.instance = instance
        self.configuration = configuration
        self.requests = CycleRequests(name: instance.description)
    }

    /// A full re-list by the running session (containers, networks, volumes),
    /// published as its periodic resync is; the job diffs the picture against
    /// the store to reconcile drift.
    package func rescan(in context: SourceContext) async throws -> SourceSnapshot { try await requests.request() }

    /// Lists, then follows events and stats until cancelled (it returns) or
    /// until the engine goes away (it throws; the supervisor reruns it, and
    /// the rerun's first list is diffed against what the store holds).
    package func run(in context: SourceContext) async throws {
        let client = try DockerClient(configuration: configuration)
        var session = DockerSession(
            instance: instance, configuration: configuration, client: client, context: context, requests: requests)
        do {
            try await requests.serving { try await session.run() }
        } catch {
            session.stopAllStats()
            await client.shutdown()
            if !(error is CancellationError) { context.setStatus(.error, message: "\(error)") }
            throw error
        }
        session.stopAllStats()
        await client.shutdown()
        context.setStatus(.stopped)
    }
}
