import ArgumentParser
import GestaltEngine
import GestaltNATS
import GestaltServer
import Logging
import NATSClient
import ServiceLifecycle

/// What a server process does with its store: serve its own sources, also
/// publish them for edges (`collect`), or follow a collector (`edge`).
/// docs/SCALE-OUT.md.
enum ScaleOutRole {
    case serve
    case collect(ScaleOutOptions)
    case edge(ScaleOutOptions)

    var isEdge: Bool { if case .edge = self { true } else { false } }

    func services(store: TopologyStore, statusBoard: SourceStatusBoard, logger: Logger) throws -> [any Service] {
        switch self {
        case .serve:
            return []
        case .collect(let options):
            let publisher = ClusterPublisher(
                store: store, names: try options.names(),
                checkpointInterval: .milliseconds(Int64(options.checkpointInterval * 1000)),
                synced: { !statusBoard.all.contains { $0.state == .syncing } }, logger: logger)
            let connection = try options.connectionOptions()
            return [BackgroundService(name: "cluster publisher") { await publisher.run(options: connection) }]
        case .edge(let options):
            let replica = ClusterReplica(
                store: store, clusters: try options.shownClusters(),
                staleAfter: .milliseconds(Int64(options.staleAfter * 1000)), statusBoard: statusBoard, logger: logger)
            let connection = try options.connectionOptions()
            return [BackgroundService(name: "cluster replica") { await replica.run(options: connection) }]
        }
    }
}

struct ScaleOutOptions: ParsableArguments {
    /// Not `--nats`: serve's `--nats` already names a NATS server to map as a source.
    @Option(help: "The NATS server with JetStream that carries the map (nats://host:4222).") var jetstream: String
    @Option(
        help:
            "collect: the cluster's name, one subject token (letters, digits, '-', '_'; default 'default'). edge: the clusters to show, comma-separated (default: every cluster on the stream)."
    )
    var cluster: String?
    @Option(help: "Seconds between checkpoints (collect only).") var checkpointInterval = 60.0
    @Option(help: "Seconds without a collector's heartbeat before its entities go stale (edge only).")
    var staleAfter = 5.0

    func validate() throws {
        guard checkpointInterval > 0 else { throw ValidationError("--checkpoint-interval must be positive") }
        guard staleAfter > 0 else { throw ValidationError("--stale-after must be positive") }
        // Also keeps inf and huge values from trapping in the conversion to milliseconds.
        guard staleAfter <= 86_400 else { throw ValidationError("--stale-after must be at most 86400 seconds (1 day)") }
        guard checkpointInterval <= 86_400 else {
            throw ValidationError("--checkpoint-interval must be at most 86400 seconds (1 day)")
        }
        // Each name a token; that `collect` names only one, its start says.
        do { _ = try shownClusters() } catch { throw ValidationError("--cluster: \(error)") }
    }

    /// The collector's cluster.
    func names() throws -> ScaleOutNames { try ScaleOutNames(cluster: cluster ?? "default") }

    /// The edge's clusters; nil for all of them.
    func shownClusters() throws -> Set<String>? {
        guard let cluster else { return nil }
        let names = try cluster.split(separator: ",", omittingEmptySubsequences: false).map {
            try ScaleOutNames(cluster: String($0)).cluster
        }
        return Set(names)
    }

    func connectionOptions() throws -> NATSConnectionOptions {
        do { return try NATSConnectionOptions(url: jetstream) } catch {
            throw StartupError("--jetstream \(jetstream.debugDescription): \(error)")
        }
    }
}

/// `gestalt collect`: serve's sources and server, and every update published to JetStream.
struct Collect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sources and publish the map to NATS JetStream for edge servers.",
        discussion: "Takes every option of serve (it serves its own map too). See docs/SCALE-OUT.md."
    )

    @OptionGroup(title: "Scale-out") var scaleOut: ScaleOutOptions
    @OptionGroup var serve: Serve

    func run() async throws { try await serve.run(role: .collect(scaleOut)) }
}

/// `gestalt edge`: no sources; the map of a collector, from JetStream.
struct Edge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a collector's map from NATS JetStream (HTTP, SSE, WebSocket, UI); runs no source.",
        discussion:
            "Takes serve's server and streaming options; source and history options are ignored. See docs/SCALE-OUT.md."
    )

    @OptionGroup(title: "Scale-out") var scaleOut: ScaleOutOptions
    @OptionGroup var serve: Serve

    func run() async throws { try await serve.run(role: .edge(scaleOut)) }
}
