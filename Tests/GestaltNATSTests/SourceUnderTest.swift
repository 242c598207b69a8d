import GestaltEngine
import GestaltNATS

/// A NATS source over a fresh store and status board, for the tests that
/// run one against a real nats-server.
struct SourceUnderTest {
    let store = TopologyStore()
    let board = SourceStatusBoard()
    let source: NATSSource
    let context: SourceContext

    /// Watches the server at `port`, its monitoring endpoint on `monitorPort`.
    init(port: Int, monitorPort: Int, pollInterval: Duration, subjects: [String] = []) {
        let instance = SourceInstance(kind: "nats")
        source = NATSSource(
            instance: instance,
            configuration: NATSSourceConfiguration(
                url: "nats://127.0.0.1:\(port)", monitorURL: "http://127.0.0.1:\(monitorPort)",
                pollInterval: pollInterval, subjects: subjects))
        context = SourceContext(instance: instance, sink: store, store: store, statusBoard: board)
    }
}
