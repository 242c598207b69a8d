import GestaltDocker
import GestaltEngine
import GestaltModel
import TestPeers

/// A DockerSource running against a real store, as the supervisor would
/// run it: tests read the store, never the source's insides.
final class SourceHarness: Sendable {
    let store: TopologyStore
    let board = SourceStatusBoard()
    let instance: SourceInstance
    let source: DockerSource
    let task: Task<Void, any Error>

    init(
        engine: DockerEngine, store: TopologyStore = TopologyStore(),
        instance: SourceInstance = SourceInstance(kind: "docker")
    ) {
        self.store = store
        self.instance = instance
        let context = SourceContext(instance: instance, sink: store, store: store, statusBoard: board)
        let source = DockerSource(
            instance: instance,
            configuration: DockerSourceConfiguration(socket: engine.socketURL, pollInterval: .seconds(30)))
        self.source = source
        task = Task { try await source.run(in: context) }
    }

    var status: SourceStatus? { board.status(of: instance.description) }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func entity(_ id: String) -> Entity? { store.entity(id: id) }

    var containerIDs: [String] { store.snapshot().entities.map(\.id).filter { $0.contains(":container/") }.sorted() }

    func hasConnection(_ source: String, _ target: String, _ kind: ConnectionKind) -> Bool {
        store.connection(id: Connection.id(source: source, target: target, kind: kind)) != nil
    }
}
