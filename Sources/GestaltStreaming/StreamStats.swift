import Synchronization

/// Counters for every stream, read by `/metrics` and `/api/infra/subscriptions`.
/// The SSE `active*` gauges count feeds; the registry counts every transport.
public final class StreamStats: Sendable {
    public struct Snapshot: Sendable, Hashable {
        public var activeTopologyStreams = 0
        public var activeEventStreams = 0
        public var messagesSent: UInt64 = 0
        public var bytesSent: UInt64 = 0
        public var coalesced: UInt64 = 0
        public var resyncs: UInt64 = 0
        /// Every stream that ended, whatever the reason (the sum of `disconnectsByReason`).
        public var disconnects: UInt64 = 0
        public var disconnectsByReason: [DisconnectReason: UInt64] = [:]
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func opened(_ channel: Channel) {
        state.withLock { s in
            switch channel {
            case .topology: s.activeTopologyStreams += 1
            case .events: s.activeEventStreams += 1
            }
        }
    }

    func closed(_ channel: Channel) {
        state.withLock { s in
            switch channel {
            case .topology: s.activeTopologyStreams -= 1
            case .events: s.activeEventStreams -= 1
            }
        }
    }

    /// A registered stream ended; counted here so `/metrics` reads one place.
    func disconnected(_ reason: DisconnectReason) {
        state.withLock { s in
            s.disconnects += 1
            s.disconnectsByReason[reason, default: 0] += 1
        }
    }

    public func sent(messages: Int, bytes: Int) {
        state.withLock { s in
            s.messagesSent += UInt64(messages)
            s.bytesSent += UInt64(bytes)
        }
    }

    public func coalesced(_ count: Int) { state.withLock { $0.coalesced += UInt64(count) } }

    public func resynced() { state.withLock { $0.resyncs += 1 } }

    enum Channel { case topology, events }
}
