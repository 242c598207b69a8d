import GestaltEngine
import GestaltModel
import GestaltStreaming

/// What one client of Constellation's `/ws` (design doc 003) is sent:
/// `FullState` on connect, then the store's changes as `ResourceAdded` /
/// `ResourceUpdated` / `ResourceDeleted` / `RelationshipUpdated`, and `Pong`
/// for its `Ping`. I/O-free: the event-loop WebSocket session
/// (`DirectWebSocketSession`) moves its messages, as it does the realtime
/// protocol's, so `/ws` gets the same backpressure, heartbeat, close codes
/// and permessage-deflate.
///
/// A thin adapter, not a second pipeline: it reads the store's one shared
/// log through a `TopologyCursor` (so a slow client gets the same catch-up
/// and the same resync rule as every other stream, its resync being a fresh
/// `FullState`).
struct ConstellationFeed {
    let store: TopologyStore
    let tagging: ConstellationMessage.Tagging
    private var cursor: TopologyCursor

    init(store: TopologyStore, tagging: ConstellationMessage.Tagging, options: StreamOptions, stats: StreamStats) {
        self.store = store
        self.tagging = tagging
        cursor = TopologyCursor(store: store, filter: .everything, options: options, stats: stats)
    }

    /// The revision the client has been brought to.
    var revision: UInt64 { cursor.revision }

    /// `FullState` at the store's revision; the cursor follows from there.
    mutating func fullState() -> [UInt8] {
        let topology = store.snapshot()
        cursor.follow(to: topology.revision)
        return ConstellationMessage.fullState(ConstellationHierarchy(topology)).json(tagging)
    }

    /// The messages for the next changes past the cursor (a `FullState` when
    /// the client fell too far behind); nil when it is up to date. A step
    /// may bring no message (changes Constellation does not show).
    mutating func next() -> [[UInt8]]? {
        guard store.revision > cursor.revision else { return nil }
        switch cursor.nextStep() {
        case .resync:
            return [fullState()]
        case .updates(let batch):
            return Self.messages(for: batch, store: store).map { $0.json(tagging) }
        }
    }

    /// The answer to a client's text: `Pong` for its `Ping`, nothing else.
    func answer(_ text: String) -> [UInt8]? {
        ConstellationMessage.isPing(text) ? ConstellationMessage.pong.json(tagging) : nil
    }

    /// Constellation's message for one of our broadcasts (churn notices), if it has one.
    func translate(_ broadcast: BroadcastMessage) -> [UInt8]? {
        ConstellationMessage.from(broadcast)?.json(tagging)
    }

    /// Constellation's messages for a batch of logged updates. Entity changes
    /// map one to one, except updates that change nothing Constellation
    /// shows or keys on (layout moves, metrics); connection changes that
    /// alter the hierarchy (ownership, a service's pods) become one
    /// `RelationshipUpdated` per namespace, after the batch's resources.
    static func messages(for batch: [LoggedUpdate], store: TopologyStore) -> [ConstellationMessage] {
        var out: [ConstellationMessage] = []
        var relinked: [String] = []
        for logged in batch {
            switch logged.kind {
            case .add, .update, .remove:
                guard let entity = logged.entity, let namespace = namespace(of: entity) else { continue }
                let node = ConstellationHierarchy.leaf(entity)
                switch logged.kind {
                case .add:
                    out.append(.resourceAdded(namespace: namespace, resource: node))
                case .update:
                    guard let previous = logged.previous,
                        previous.status != entity.status || previous.name != entity.name
                            || previous.labels != entity.labels || previous.kind != entity.kind
                            || previous.namespace != entity.namespace
                    else { continue }
                    out.append(.resourceUpdated(namespace: namespace, resource: node))
                default:
                    out.append(.resourceDeleted(namespace: namespace, name: entity.name, kind: node.kind))
                }
            case .connAdd, .connRemove:
                guard let connection = logged.connection, let ends = logged.ends,
                    let namespace = ends.source.namespace, ends.target.namespace == namespace,
                    connection.kind == .owns || (ends.source.kind == .service && ends.target.kind == .pod),
                    !relinked.contains(namespace)
                else { continue }
                relinked.append(namespace)
            case .connUpdate, .full:
                continue
            }
        }
        for namespace in relinked {
            let topology = store.snapshot(filter: TopologyFilter(namespaces: [namespace]))
            out.append(.relationshipUpdated(namespace: namespace, hierarchy: ConstellationHierarchy(topology)))
        }
        return out
    }

    /// The namespace a resource lives in (a namespace lives in itself);
    /// cluster-scoped resources are not part of Constellation's hierarchy.
    static func namespace(of entity: Entity) -> String? {
        entity.kind == .namespace ? entity.name : entity.namespace
    }
}
