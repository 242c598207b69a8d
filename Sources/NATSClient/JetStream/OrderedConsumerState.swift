/// The bookkeeping of an ordered consumer, free of I/O: it sees each message
/// the server pushes (data, heartbeat, flow control, status) and says what to
/// do, so that the caller gets every stream message past the start exactly
/// once and in order, across consumer re-creations.
///
/// An ordered consumer is an ephemeral push consumer with no acks. The server
/// numbers its deliveries 1, 2, 3...; a gap there (a message lost on the way,
/// a consumer the server dropped and we re-created) means "start again from
/// the stream sequence after the last one delivered", which is what `reset` asks.
package struct OrderedConsumerState: Sendable, Equatable {
    package enum Action: Sendable, Equatable {
        /// Hand the message to the caller.
        case deliver
        /// Answer the server's flow-control request on this subject (an empty message).
        case replyFlowControl(String)
        /// Alive, nothing to hand on.
        case heartbeat
        /// Drop this consumer and create a new one from `nextStreamSequence`.
        case reset
        /// Already delivered (or not a stream message): skip it.
        case ignore
    }

    /// The stream sequence the next (re)created consumer starts at.
    package private(set) var nextStreamSequence: UInt64
    /// The consumer sequence the next data message must carry.
    package private(set) var expectedConsumerSequence: UInt64 = 1

    package init(startSequence: UInt64) {
        self.nextStreamSequence = max(startSequence, 1)
    }

    /// A new consumer was created from `nextStreamSequence`: its deliveries count from 1 again.
    package mutating func restarted() { expectedConsumerSequence = 1 }

    /// Decides about one pushed message. `lastConsumerSequence` is a
    /// heartbeat's `Nats-Last-Consumer` header: the server's count of what it delivered.
    /// `stalled` is a heartbeat's `Nats-Consumer-Stalled` header: the reply
    /// subject of a flow-control request that was lost (dropped by a full
    /// subscription); the server sends nothing more until it is answered.
    package mutating func receive(
        status: Int?, replyTo: String?, streamSequence: UInt64?, consumerSequence: UInt64?,
        lastConsumerSequence: UInt64? = nil, stalled: String? = nil
    ) -> Action {
        if let status {
            guard status == 100 else { return .reset }  // 409 consumer deleted, leadership change...
            if let replyTo, !replyTo.isEmpty { return .replyFlowControl(replyTo) }
            if let stalled, !stalled.isEmpty { return .replyFlowControl(stalled) }
            // A heartbeat: the server delivered more than we got, so some were lost.
            if let last = lastConsumerSequence, last != expectedConsumerSequence - 1 { return .reset }
            return .heartbeat
        }
        guard let streamSequence, let consumerSequence else { return .ignore }
        guard consumerSequence == expectedConsumerSequence else { return .reset }
        expectedConsumerSequence += 1
        guard streamSequence >= nextStreamSequence else { return .ignore }
        nextStreamSequence = streamSequence + 1
        return .deliver
    }
}
