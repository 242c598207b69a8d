import GestaltEngine
import GestaltModel
import GestaltStreaming
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One client of Constellation's `/ws` (design doc 003): `FullState` on
/// connect, then the store's changes as `ResourceAdded` / `ResourceUpdated`
/// / `ResourceDeleted` / `RelationshipUpdated`, and `Pong` for its `Ping`.
///
/// A thin adapter, not a second pipeline: it reads the store's one shared
/// log through a `TopologyCursor` (so a slow client gets the same coalescing-
/// free catch-up and the same resync rule as every other stream, its resync
/// being a fresh `FullState`), and it is registered, counted and swept for
/// being stuck like every other stream.
struct ConstellationSession {
    let store: TopologyStore
    let registry: StreamRegistry
    let stream: StreamOptions
    let tagging: ConstellationMessage.Tagging
    let network: any Channel
    let maxMessageBytes: Int

    private enum Wake: Sendable {
        case changed, ping
        case broadcast(BroadcastMessage)
        case closed(DisconnectReason)
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(16))
        let network = network
        let connection = registry.register(
            transport: .websocket, channels: [.topology], sessionID: nil,
            closer: { reason in
                continuation.yield(.closed(reason))
                // A stuck peer cannot take a close frame: drop the socket.
                if reason == .stuck { network.close(promise: nil) }
            },
            // Churn notices become NamespaceSummaryUpdate / HighChurnWarning;
            // a busy client keeps only the newest few wakes, as every session does.
            deliver: { message in continuation.yield(.broadcast(message)) }
        )
        let observation = store.topologySignal.observe { wake in
            switch wake {
            case .changed: continuation.yield(.changed)
            case .tick: break
            case .closed: continuation.yield(.closed(.serverShutdown))
            }
        }
        let maxMessageBytes = maxMessageBytes
        let reason = await withTaskGroup(of: DisconnectReason.self) { group in
            group.addTask { await write(wakes, connection: connection, outbound: outbound) }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: maxMessageBytes) {
                        if case .text(let text) = message, ConstellationMessage.isPing(text) {
                            continuation.yield(.ping)
                        }
                    }
                    return .clientClosed
                } catch {
                    return .transportError
                }
            }
            let first = await group.next() ?? .clientClosed
            group.cancelAll()
            return first
        }
        observation.cancel()
        continuation.finish()
        connection.deregister(connection.disconnectReason ?? reason)
    }

    private func write(
        _ wakes: AsyncStream<Wake>, connection: StreamConnection, outbound: WebSocketOutboundWriter
    ) async -> DisconnectReason {
        var cursor = TopologyCursor(store: store, filter: .everything, options: stream, stats: registry.stats)
        do {
            try await sendFullState(&cursor, connection: connection, outbound: outbound)
            for await wake in wakes {
                switch wake {
                case .closed(let reason):
                    if reason == .serverShutdown {
                        try? await outbound.close(.goingAway, reason: "server shutting down")
                    }
                    return reason
                case .ping:
                    try await send([.pong], connection: connection, outbound: outbound)
                case .broadcast(let message):
                    if let translated = ConstellationMessage.from(message) {
                        try await send([translated], connection: connection, outbound: outbound)
                    }
                case .changed:
                    break
                }
                while store.revision > cursor.revision, !Task.isCancelled {
                    switch cursor.nextStep() {
                    case .resync:
                        try await sendFullState(&cursor, connection: connection, outbound: outbound)
                    case .updates(let batch):
                        try await send(
                            Self.messages(for: batch, store: store), connection: connection, outbound: outbound)
                        connection.progressed(revision: cursor.revision)
                    }
                }
            }
            return .clientClosed
        } catch {
            return connection.disconnectReason ?? .transportError
        }
    }

    private func sendFullState(
        _ cursor: inout TopologyCursor, connection: StreamConnection, outbound: WebSocketOutboundWriter
    ) async throws {
        let topology = store.snapshot()
        cursor.follow(to: topology.revision)
        try await send([.fullState(ConstellationHierarchy(topology))], connection: connection, outbound: outbound)
        connection.progressed(revision: topology.revision)
    }

    private func send(
        _ messages: [ConstellationMessage], connection: StreamConnection, outbound: WebSocketOutboundWriter
    ) async throws {
        guard !messages.isEmpty else { return }
        let encoded = messages.map { $0.json(tagging) }
        let bytes = encoded.reduce(0) { $0 + $1.count }
        connection.writeStarted(bytes: bytes)
        for json in encoded {
            try await outbound.write(.custom(.init(fin: true, opcode: .text, data: ByteBuffer(bytes: json))))
        }
        connection.writeFinished(messages: encoded.count, bytes: bytes)
        registry.stats.sent(messages: encoded.count, bytes: bytes)
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
