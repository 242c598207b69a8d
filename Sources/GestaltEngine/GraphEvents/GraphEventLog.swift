import Synchronization

/// The graph events a server has seen, numbered for `Last-Event-ID`, with a
/// retained window for resume. Appended from the graph API directly, or
/// from the NATS subscription when NATS carries the events.
package final class GraphEventLog: Sendable {
    package struct Logged: Sendable {
        package let seq: UInt64
        package let event: GraphEvent
    }

    private struct State {
        var entries: [Logged] = []
        var seq: UInt64 = 0
    }

    package let capacity: Int
    package let signal = ChangeSignal()
    private let state = Mutex(State())

    package init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
    }

    @discardableResult
    package func append(_ event: GraphEvent) -> UInt64 {
        let seq = state.withLock { state in
            state.seq += 1
            state.entries.append(Logged(seq: state.seq, event: event))
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
            return state.seq
        }
        signal.publish(seq)
        return seq
    }

    package var seq: UInt64 { state.withLock { $0.seq } }

    /// The events after `seq`; nil when some of them already left the window
    /// (or `seq` is from the future, e.g. another server's numbering).
    package func events(after seq: UInt64) -> [Logged]? {
        state.withLock { state in
            guard seq <= state.seq else { return nil }
            if seq == state.seq { return [] }
            guard let first = state.entries.first, first.seq <= seq + 1 else { return nil }
            return Array(state.entries[Int(seq + 1 - first.seq)...])
        }
    }
}
