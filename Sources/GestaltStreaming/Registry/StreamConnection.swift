import Synchronization

/// One registered client, as its transport reports on it: which channels it
/// holds, where its cursor is, and whether a write is under way.
///
/// Each connection has its own lock, so a client reporting progress never
/// contends with other clients; the registry's lock is taken only to join
/// and leave.
package final class StreamConnection: Sendable {
    package let id: UInt64
    package let transport: StreamTransport
    package let sessionID: String
    package let connectedAt: ContinuousClock.Instant

    struct State {
        var channels: Set<StreamChannel>
        var revision: UInt64?
        var eventSeq: UInt64?
        var writeStartedAt: ContinuousClock.Instant?
        var inFlightBytes = 0
        var messagesSent: UInt64 = 0
        var bytesSent: UInt64 = 0
        var disconnecting: DisconnectReason?
        var deregistered = false
    }

    let state: Mutex<State>
    private let closer: @Sendable (DisconnectReason) -> Void
    private let deliver: (@Sendable (BroadcastMessage) -> Void)?
    // Strong on purpose: the registry drops its reference on deregister, which ends the cycle.
    private let registry: StreamRegistry

    init(
        id: UInt64, transport: StreamTransport, sessionID: String, channels: Set<StreamChannel>,
        registry: StreamRegistry,
        closer: @escaping @Sendable (DisconnectReason) -> Void, deliver: (@Sendable (BroadcastMessage) -> Void)?
    ) {
        self.id = id
        self.transport = transport
        self.sessionID = sessionID
        self.connectedAt = .now
        self.state = Mutex(State(channels: channels))
        self.closer = closer
        self.deliver = deliver
        self.registry = registry
    }

    package var channels: Set<StreamChannel> { state.withLock { $0.channels } }

    /// The channels changed (WebSocket `subscribe` / `unsubscribe`).
    package func update(channels: Set<StreamChannel>) { state.withLock { $0.channels = channels } }

    /// The client's topology cursor moved to `revision` (for lag).
    package func progressed(revision: UInt64) { state.withLock { $0.revision = revision } }

    /// The client's events cursor moved to `seq`.
    package func progressed(eventSeq: UInt64) { state.withLock { $0.eventSeq = eventSeq } }

    /// A write of `bytes` is handed to the socket; until `writeFinished`, the
    /// stuck-client sweep times it.
    package func writeStarted(bytes: Int) {
        state.withLock { s in
            s.writeStartedAt = .now
            s.inFlightBytes = bytes
        }
    }

    /// The write completed: `messages` envelopes of `bytes` bytes reached the socket.
    package func writeFinished(messages: Int, bytes: Int) {
        state.withLock { s in
            s.writeStartedAt = nil
            s.inFlightBytes = 0
            s.messagesSent += UInt64(messages)
            s.bytesSent += UInt64(bytes)
        }
    }

    /// A write of `messages` envelopes, `bytes` bytes, reached the socket and
    /// moved the client's topology cursor to `revision`: `progressed` and
    /// `writeFinished` in one lock, for the fan-out's hot path.
    package func delivered(revision: UInt64, messages: Int, bytes: Int) {
        state.withLock { s in
            s.revision = revision
            s.writeStartedAt = nil
            s.inFlightBytes = 0
            s.messagesSent += UInt64(messages)
            s.bytesSent += UInt64(bytes)
        }
    }

    /// `messages` envelopes of `bytes` bytes were handed to a socket that is
    /// still full: counted, while the stuck-client clock keeps running.
    package func counted(messages: Int, bytes: Int) {
        state.withLock { s in
            s.messagesSent += UInt64(messages)
            s.bytesSent += UInt64(bytes)
        }
    }

    /// Asks the transport to close this client; only the first reason counts.
    package func disconnect(_ reason: DisconnectReason) {
        let first = state.withLock { s -> Bool in
            guard s.disconnecting == nil, !s.deregistered else { return false }
            s.disconnecting = reason
            return true
        }
        if first { closer(reason) }
    }

    /// The reason given to `disconnect`, if the server asked for the close.
    package var disconnectReason: DisconnectReason? { state.withLock { $0.disconnecting } }

    /// Leaves the registry. A reason the server chose earlier (`disconnect`)
    /// wins over the one the transport saw, which is usually just "closed".
    package func deregister(_ reason: DisconnectReason) {
        let final = state.withLock { s -> DisconnectReason? in
            guard !s.deregistered else { return nil }
            s.deregistered = true
            return s.disconnecting ?? reason
        }
        if let final { registry.remove(self, reason: final) }
    }

    /// Hands a broadcast to the transport; false when it cannot carry one.
    func receive(_ message: BroadcastMessage) -> Bool {
        guard let deliver else { return false }
        if let channel = message.channel, !channels.contains(channel) { return false }
        deliver(message)
        return true
    }

    /// How long the current write has been blocked, if one is under way.
    func blockedFor(now: ContinuousClock.Instant) -> Duration? {
        state.withLock { s in s.writeStartedAt.map { now - $0 } }
    }
}
