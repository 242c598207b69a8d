package import GestaltModel
import Synchronization

/// Counters for every stream, read by `/metrics` and `/api/infra/subscriptions`.
/// The SSE `active*` gauges count feeds; the registry counts every transport.
package final class StreamStats: Sendable {
    package struct Snapshot: Sendable, Hashable {
        package var activeTopologyStreams = 0
        package var activeEventStreams = 0
        package var messagesSent: UInt64 = 0
        package var bytesSent: UInt64 = 0
        package var coalesced: UInt64 = 0
        package var resyncs: UInt64 = 0
        /// Every stream that ended, whatever the reason (the sum of `disconnectsByReason`).
        package var disconnects: UInt64 = 0
        package var disconnectsByReason: [DisconnectReason: UInt64] = [:]
        /// Store → socket delay of topology updates, one sample per message
        /// delivered (the event-loop fan-out's clients).
        package var fanoutDelay = DelayHistogram()
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

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

    /// - Parameter oldest: when the store applied the oldest change among
    ///   the messages, for the fan-out delay; nil for what has none (a `full`,
    ///   answers, events).
    package func sent(messages: Int, bytes: Int, oldest: Timestamp? = nil) {
        let delay = oldest.map { Timestamp.now().millisecondsSince1970 - $0.millisecondsSince1970 }
        state.withLock { s in
            s.messagesSent += UInt64(messages)
            s.bytesSent += UInt64(bytes)
            if let delay { s.fanoutDelay.record(milliseconds: delay, times: UInt64(messages)) }
        }
    }

    /// A fan-out pass's deliveries, in one lock.
    func sent(_ tally: DeliveryTally) {
        guard !tally.isEmpty else { return }
        let now = Timestamp.now().millisecondsSince1970
        state.withLock { s in
            s.messagesSent += UInt64(tally.messages)
            s.bytesSent += UInt64(tally.bytes)
            for (stamp, messages) in tally.oldest {
                s.fanoutDelay.record(milliseconds: now - stamp, times: UInt64(messages))
            }
        }
    }

    package func coalesced(_ count: Int) { state.withLock { $0.coalesced += UInt64(count) } }

    package func resynced() { state.withLock { $0.resyncs += 1 } }

    enum Channel { case topology, events }
}
