import GestaltChurn
import GestaltEngine
import GestaltModel
import Testing

/// A test clock: instants are offsets from one fixed start, so tests say
/// "at 1.2 s" and never wait.
struct TestClock {
    let start = ContinuousClock.now

    func at(ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }
}

func pod(
    _ name: String, namespace: String = "shop", status: EntityStatus = .running, app: String? = "web", cpu: Double = 0
) -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: .pod, namespace: namespace, name: name), kind: .pod, name: name,
        namespace: namespace, source: "test", status: status, labels: app.map { ["app": $0] } ?? [:], cpuPercent: cpu
    )
}

func service(_ name: String, namespace: String = "shop") -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: .service, namespace: namespace, name: name), kind: .service, name: name,
        namespace: namespace, source: "test", labels: ["app": name]
    )
}

func network(_ from: Entity, _ to: Entity) -> Connection {
    Connection(sourceID: from.id, targetID: to.id, kind: .network)
}

/// The smoother with a real store behind it: every release is applied, and
/// every refusal is a test failure (the smoother must keep changes valid).
struct Harness {
    var smoother: ChurnSmoother
    let store = TopologyStore()
    let clock = TestClock()
    /// Everything released so far, in order.
    var released: [TopologyChange] = []
    var notices: [ChurnNotice] = []

    init(_ configure: (inout ChurnConfiguration) -> Void = { _ in }) {
        var configuration = ChurnConfiguration()
        configure(&configuration)
        smoother = ChurnSmoother(configuration: configuration)
    }

    mutating func submit(_ changes: [TopologyChange], atMs ms: Int) {
        smoother.submit(changes, now: clock.at(ms: ms))
    }

    /// Asks for what is due at `ms` and applies it; returns the changes.
    @discardableResult
    mutating func due(atMs ms: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [TopologyChange] {
        let output = smoother.due(now: clock.at(ms: ms))
        let result: ApplyResult = store.apply(output.changes, now: .now())
        #expect(result.rejected.isEmpty, "refused: \(result.rejected.map(\.error))", sourceLocation: sourceLocation)
        released += output.changes
        notices += output.notices
        return output.changes
    }

    /// Calls `due` every `step` ms over a span, as the pipeline's ticks would.
    mutating func tick(
        fromMs start: Int, toMs end: Int, step: Int = 50, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for ms in stride(from: start, through: end, by: step) { due(atMs: ms, sourceLocation: sourceLocation) }
    }
}

extension TopologyChange {
    /// The entity or connection id the change is about.
    var subject: String {
        switch self {
        case .upsertEntity(let entity, _): entity.id
        case .moveEntity(let id, _, _, _), .removeEntity(let id), .removeConnection(let id): id
        case .upsertConnection(let connection): connection.id
        }
    }

    var upserted: Entity? {
        if case .upsertEntity(let entity, _) = self { entity } else { nil }
    }

    var isRemoval: Bool {
        switch self {
        case .removeEntity, .removeConnection: true
        default: false
        }
    }
}
