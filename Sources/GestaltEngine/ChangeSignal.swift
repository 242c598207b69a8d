import Synchronization

/// Wakes every waiting stream when a counter (revision or event seq) moves,
/// or on a keepalive tick. One signal serves all subscribers, so a change
/// costs one resume per idle subscriber and no per-subscriber queue.
public final class ChangeSignal: Sendable {
    public enum Wake: Sendable, Equatable {
        case changed
        case tick
        case closed
    }

    private struct State {
        var latest: UInt64 = 0
        var closed = false
        var nextToken: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Wake, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Returns at once when the counter is already past `seen`; otherwise waits
    /// for a change, a tick, shutdown, or task cancellation (which returns `.closed`).
    public func wait(after seen: UInt64) async -> Wake {
        let token = state.withLock { s -> UInt64 in s.nextToken += 1; return s.nextToken }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
                let immediate: Wake? = state.withLock { s in
                    if s.closed || Task.isCancelled { return .closed }
                    if s.latest > seen { return .changed }
                    s.waiters[token] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: token) }?.resume(returning: .closed)
        }
    }

    /// Records the new counter value and wakes every waiter.
    public func publish(_ value: UInt64) {
        resumeAll(.changed) { s in s.latest = max(s.latest, value) }
    }

    /// Wakes every waiter so idle streams can send a keepalive.
    public func tick() { resumeAll(.tick) { _ in } }

    /// Ends every wait, now and later: the server is shutting down.
    public func close() { resumeAll(.closed) { s in s.closed = true } }

    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    private func resumeAll(_ wake: Wake, _ update: (inout State) -> Void) {
        let waiters = state.withLock { s in
            update(&s)
            let all = s.waiters
            s.waiters.removeAll(keepingCapacity: true)
            return all
        }
        for continuation in waiters.values { continuation.resume(returning: wake) }
    }
}
