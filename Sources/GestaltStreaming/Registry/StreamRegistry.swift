package import GestaltEngine
import Synchronization

/// Every open stream, SSE and WebSocket alike: who is connected, on which
/// channels, how far behind, and why they left.
///
/// The registry holds no messages. Each client reads from the store's shared
/// log through its own cursor, so the only per-client state here is a few
/// counters; a slow client costs the same as a fast one.
package final class StreamRegistry: Sendable {
    package let store: TopologyStore
    package let stats: StreamStats
    /// A client whose write has been blocked this long is disconnected.
    package let stuckTimeout: Duration
    private let observer: (@Sendable (RegistryEvent) -> Void)?

    private struct State {
        var nextID: UInt64 = 0
        var connections: [UInt64: StreamConnection] = [:]
        var sessions: [String: Int] = [:]
    }

    private let state = Mutex(State())

    package init(
        store: TopologyStore, stats: StreamStats, stuckTimeout: Duration = .seconds(30),
        observer: (@Sendable (RegistryEvent) -> Void)? = nil
    ) {
        self.store = store
        self.stats = stats
        self.stuckTimeout = stuckTimeout
        self.observer = observer
    }

    /// Adds a client.
    /// - Parameters:
    ///   - sessionID: the client's own id (query `session_id`); one is made up when nil.
    ///   - closer: closes the client's transport; called at most once, from any task.
    ///   - deliver: hands a broadcast to the client; nil when the transport cannot carry one.
    package func register(
        transport: StreamTransport, channels: Set<StreamChannel>, sessionID: String? = nil,
        closer: @escaping @Sendable (DisconnectReason) -> Void,
        deliver: (@Sendable (BroadcastMessage) -> Void)? = nil
    ) -> StreamConnection {
        let connection = state.withLock { s in
            s.nextID += 1
            let connection = StreamConnection(
                id: s.nextID, transport: transport, sessionID: sessionID ?? "\(transport.rawValue)-\(s.nextID)",
                channels: channels, registry: self, closer: closer, deliver: deliver
            )
            s.connections[connection.id] = connection
            s.sessions[connection.sessionID, default: 0] += 1
            return connection
        }
        observer?(.connected(connection))
        return connection
    }

    func remove(_ connection: StreamConnection, reason: DisconnectReason) {
        state.withLock { s in
            guard s.connections.removeValue(forKey: connection.id) != nil else { return }
            let remaining = (s.sessions[connection.sessionID] ?? 1) - 1
            s.sessions[connection.sessionID] = remaining > 0 ? remaining : nil
        }
        stats.disconnected(reason)
        observer?(.disconnected(connection, reason))
    }

    /// Whether any stream of this session is open.
    package func isConnected(sessionID: String) -> Bool { state.withLock { $0.sessions[sessionID] != nil } }

    package var count: Int { state.withLock { $0.connections.count } }

    /// Sends a message to every client whose transport can carry one;
    /// returns how many took it.
    @discardableResult
    package func broadcast(_ message: BroadcastMessage) -> Int {
        let all = state.withLock { Array($0.connections.values) }
        return all.reduce(0) { $0 + ($1.receive(message) ? 1 : 0) }
    }

    /// Disconnects every client whose write has been blocked longer than
    /// `stuckTimeout`; returns them. The server calls this about once a second.
    @discardableResult
    package func sweepStuck(now: ContinuousClock.Instant = .now) -> [StreamConnection] {
        let all = state.withLock { Array($0.connections.values) }
        var stuck: [StreamConnection] = []
        for connection in all {
            guard let blocked = connection.blockedFor(now: now), blocked >= stuckTimeout else { continue }
            stuck.append(connection)
            observer?(.stuck(connection, blockedFor: blocked))
            connection.disconnect(.stuck)
        }
        return stuck
    }

    /// Asks every client to close (graceful shutdown).
    package func disconnectAll(_ reason: DisconnectReason) {
        for connection in state.withLock({ Array($0.connections.values) }) { connection.disconnect(reason) }
    }

    package func snapshot(now: ContinuousClock.Instant = .now) -> RegistrySnapshot {
        let all = state.withLock { Array($0.connections.values) }
        let revision = store.revision, eventSeq = store.eventSeq
        var snapshot = RegistrySnapshot(active: [:], connections: [:], clients: [])
        for connection in all.sorted(by: { $0.id < $1.id }) {
            let s = connection.state.withLock { $0 }
            snapshot.connections[connection.transport, default: 0] += 1
            for channel in s.channels { snapshot.active[connection.transport, default: [:]][channel, default: 0] += 1 }
            snapshot.clients.append(
                ClientStatus(
                    id: connection.id, sessionID: connection.sessionID, transport: connection.transport,
                    channels: s.channels.sorted(),
                    revision: s.revision, lag: s.revision.map { revision &- min($0, revision) },
                    eventLag: s.eventSeq.map { eventSeq &- min($0, eventSeq) },
                    messagesSent: s.messagesSent, bytesSent: s.bytesSent, inFlightBytes: s.inFlightBytes,
                    writeBlocked: s.writeStartedAt.map { now - $0 }, connectedFor: now - connection.connectedAt
                ))
        }
        return snapshot
    }
}
