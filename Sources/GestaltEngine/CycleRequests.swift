import Synchronization

/// Why a request for a cycle now got no answer.
package enum CycleRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing serves requests now: the plugin is not running (not started,
    /// or backing off after a failure; its next run lists everything afresh).
    case notRunning(String)

    package var description: String {
        switch self {
        case .notRunning(let name):
            "\(name) is not running now (starting, or restarting after an error); its next run lists everything afresh"
        }
    }
}

/// Requests for "a cycle now" that a running plugin's own task serves: a
/// rescan job asks, the source's loop wakes from its pause, runs a cycle that
/// starts after the request (so it sees what changed before it) and answers.
/// The cycle state (mappers, diffs, the simulator's cluster) never leaves the
/// task that owns it, so none of it has to be `Sendable`.
///
/// ```swift
/// // In the plugin's run loop:
/// try await requests.serving {
///     while true {
///         let batch = requests.take()          // requests this cycle answers
///         let picture = try await pollOnce()
///         requests.answer(batch, .success(picture))
///         try await requests.pause(until: .now + interval)   // wakes early on a request
///     }
/// }
/// // In a job:
/// let picture = try await requests.request()
/// ```
package final class CycleRequests<Answer: Sendable>: Sendable {
    /// Requests taken by one cycle; answer them with `answer(_:_:)`.
    package struct Batch: Sendable {
        fileprivate let ids: [UInt64]
        package var isEmpty: Bool { ids.isEmpty }
        package var count: Int { ids.count }
    }

    private struct State {
        var serving = 0
        var nextID: UInt64 = 1
        var waiting: [UInt64: CheckedContinuation<Answer, any Error>] = [:]
        var taken: [UInt64: CheckedContinuation<Answer, any Error>] = [:]
        var waker: CheckedContinuation<Void, Never>?
        var notify: (@Sendable () -> Void)?
    }

    private enum Admission {
        case queued(CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?), notRunning, cancelled
    }

    private let name: String
    private let state = Mutex(State())

    /// `name` is the plugin's, for the error a request gets when it is not running.
    package init(name: String) { self.name = name }

    // MARK: The asking side

    /// Wakes the running plugin and waits for the answer of a cycle that
    /// starts after this call. Throws `CycleRequestError.notRunning` at once
    /// when no run serves requests, the cycle's error when it fails, and
    /// `CancellationError` when the asking task is cancelled.
    package func request() async throws -> Answer {
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, any Error>) in
                let outcome = state.withLock { s -> Admission in
                    guard s.serving > 0 else { return .notRunning }
                    guard !Task.isCancelled else { return .cancelled }
                    s.waiting[id] = continuation
                    defer { s.waker = nil }
                    return .queued(s.waker, s.notify)
                }
                switch outcome {
                case .queued(let waker, let notify): waker?.resume(); notify?()
                case .notRunning: continuation.resume(throwing: CycleRequestError.notRunning(name))
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let continuation = state.withLock { s in
                s.waiting.removeValue(forKey: id) ?? s.taken.removeValue(forKey: id)
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    // MARK: The serving side

    /// Serves requests while `body` runs; what is still unanswered when it
    /// ends fails with `notRunning`, so no job waits on a stopped plugin.
    package func serving<T>(_ body: () async throws -> T) async throws -> T {
        state.withLock { $0.serving += 1 }
        defer { close() }
        return try await body()
    }

    /// Calls `notify` on every request until the serving run ends: for a loop
    /// that waits on a mailbox rather than in `pause`.
    package func onRequest(_ notify: @escaping @Sendable () -> Void) {
        state.withLock { $0.notify = notify }
    }

    /// Whether a run serves requests now.
    package var isServing: Bool { state.withLock { $0.serving > 0 } }

    /// Whether requests wait for a cycle.
    package var hasRequests: Bool { state.withLock { !$0.waiting.isEmpty } }

    /// Takes the waiting requests for the cycle about to start; requests that
    /// arrive during it wait for the next one.
    package func take() -> Batch {
        state.withLock { s in
            let ids = Array(s.waiting.keys)
            s.taken.merge(s.waiting) { _, new in new }
            s.waiting = [:]
            return Batch(ids: ids)
        }
    }

    /// Answers the requests a cycle took (those cancelled meanwhile are gone).
    package func answer(_ batch: Batch, _ result: Result<Answer, any Error>) {
        guard !batch.isEmpty else { return }
        let continuations = state.withLock { s in batch.ids.compactMap { s.taken.removeValue(forKey: $0) } }
        for continuation in continuations { continuation.resume(with: result) }
    }

    /// Sleeps until `deadline`, or until a request comes; throws
    /// `CancellationError` when the serving task is cancelled.
    package func pause(until deadline: ContinuousClock.Instant) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.nextRequest() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Waits for a request, with no deadline (a frozen simulator).
    package func pauseUntilRequested() async throws {
        await nextRequest()
        try Task.checkCancellation()
    }

    private func nextRequest() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> CheckedContinuation<Void, Never>? in
                    // Cancellation is set before its handler runs, so a handler
                    // that found no waker is always seen here.
                    guard s.waiting.isEmpty, !Task.isCancelled else { return continuation }
                    let replaced = s.waker
                    s.waker = continuation
                    return replaced
                }
                now?.resume()
            }
        } onCancel: {
            state.withLock { s in
                defer { s.waker = nil }; return s.waker
            }?.resume()
        }
    }

    private func close() {
        let orphans = state.withLock { s -> [CheckedContinuation<Answer, any Error>] in
            s.serving -= 1
            guard s.serving == 0 else { return [] }
            s.notify = nil
            defer { s.waiting = [:]; s.taken = [:] }
            return Array(s.waiting.values) + Array(s.taken.values)
        }
        for continuation in orphans { continuation.resume(throwing: CycleRequestError.notRunning(name)) }
    }
}
