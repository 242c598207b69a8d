import Synchronization

/// Wakes every waiting stream when a counter (revision or event seq) moves,
/// or on a keepalive tick. One signal serves all subscribers, so a change
/// costs one resume per idle subscriber and no per-subscriber queue.
package final class ChangeSignal: Sendable {
    package enum Wake: Sendable, Equatable {
        case changed
        case tick
        /// Shutdown, or the subscription was cancelled: stop reading.
        case closed
    }

    private struct State {
        var latest: UInt64 = 0
        var closed = false
        var nextToken: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Wake, Never>] = [:]
        var cancelled: Set<UInt64> = []
        var observers: [UInt64: @Sendable (Wake) -> Void] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// A handle for one reader; `cancel()` ends its current and future waits,
    /// which is how a disconnected client's stream stops at once.
    package func subscribe() -> Subscription {
        Subscription(
            signal: self,
            token: state.withLock { s in
                s.nextToken += 1; return s.nextToken
            })
    }

    /// Records the new counter value and wakes every waiter.
    package func publish(_ value: UInt64) {
        resumeAll(.changed) { s in s.latest = max(s.latest, value) }
    }

    /// Wakes every waiter so idle streams can send a keepalive.
    package func tick() { resumeAll(.tick) { _ in } }

    /// Ends every wait, now and later: the server is shutting down.
    package func close() { resumeAll(.closed) { s in s.closed = true } }

    /// Calls `observer` after every publish, tick and close, on the thread
    /// that caused it, until the returned observation is cancelled. For
    /// readers that need no task of their own to wait: the fan-out, and
    /// WebSocket sessions ringing their writer. It must return quickly.
    @discardableResult
    package func observe(_ observer: @escaping @Sendable (Wake) -> Void) -> Observation {
        let (token, closed) = state.withLock { s in
            s.nextToken += 1
            s.observers[s.nextToken] = observer
            return (s.nextToken, s.closed)
        }
        if closed { observer(.closed) }
        return Observation(signal: self, token: token)
    }

    fileprivate func stopObserving(token: UInt64) {
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// True once `close()` ran.
    package var isClosed: Bool { state.withLock { $0.closed } }

    package var waiterCount: Int { state.withLock { $0.waiters.count } }

    fileprivate func wait(token: UInt64, after seen: UInt64) async -> Wake {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
                let immediate: Wake? = state.withLock { s in
                    if s.closed || s.cancelled.contains(token) || Task.isCancelled { return .closed }
                    if s.latest > seen { return .changed }
                    s.waiters[token] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            cancel(token: token)
        }
    }

    fileprivate func cancel(token: UInt64) {
        state.withLock { s in
            s.cancelled.insert(token)
            return s.waiters.removeValue(forKey: token)
        }?.resume(returning: .closed)
    }

    fileprivate func forget(token: UInt64) {
        state.withLock { s in
            s.cancelled.remove(token)
            return s.waiters.removeValue(forKey: token)
        }?.resume(returning: .closed)
    }

    private func resumeAll(_ wake: Wake, _ update: (inout State) -> Void) {
        let (waiters, observers) = state.withLock { s in
            update(&s)
            let all = s.waiters
            s.waiters.removeAll(keepingCapacity: true)
            return (all, s.observers)
        }
        for continuation in waiters.values { continuation.resume(returning: wake) }
        for observer in observers.values { observer(wake) }
    }

    /// An `observe` registration; `cancel()` stops the calls.
    package final class Observation: Sendable {
        private let signal: ChangeSignal
        private let token: UInt64

        fileprivate init(signal: ChangeSignal, token: UInt64) {
            self.signal = signal
            self.token = token
        }

        package func cancel() { signal.stopObserving(token: token) }
    }

    /// One reader of a `ChangeSignal`.
    package final class Subscription: Sendable {
        private let signal: ChangeSignal
        private let token: UInt64

        fileprivate init(signal: ChangeSignal, token: UInt64) {
            self.signal = signal
            self.token = token
        }

        deinit { signal.forget(token: token) }

        /// Returns at once when the counter is already past `seen`; otherwise
        /// waits for a change, a tick, shutdown or cancellation.
        package func wait(after seen: UInt64) async -> Wake { await signal.wait(token: token, after: seen) }

        package func cancel() { signal.cancel(token: token) }
    }
}
