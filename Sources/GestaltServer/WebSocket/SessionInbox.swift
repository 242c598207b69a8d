import GestaltStreaming
import Synchronization

/// What the reader and the outside world hand to a session's writer, and
/// the bell that wakes it. The writer is the only task that writes to the
/// socket, so answers, broadcasts and updates never interleave mid-message.
final class SessionInbox: Sendable {
    /// A client request waiting for the writer, in arrival order.
    enum Request: Sendable {
        case subscribe(SubscribeRequest, replyTo: String?)
        case unsubscribe(Set<StreamChannel>, replyTo: String?)
        case pong(replyTo: String?)
        case error(ClientMessageError, replyTo: String?)
    }

    /// Everything the writer takes in one go.
    struct Taken {
        var requests: [Request] = []
        var broadcasts: [BroadcastMessage] = []
        var pingDue = false
        /// Client messages received so far (any kind proves the peer alive).
        var inboundCount: UInt64 = 0
    }

    private struct State {
        var requests: [Request] = []
        var broadcasts: [BroadcastMessage] = []
        var droppedBroadcasts = 0
        var pingDue = false
        var inboundCount: UInt64 = 0
        var rung = false
        var closed: DisconnectReason?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private let maxRequests: Int
    private let maxBroadcasts: Int

    init(maxRequests: Int, maxBroadcasts: Int) {
        self.maxRequests = maxRequests
        self.maxBroadcasts = maxBroadcasts
    }

    /// Queues a request; false when the client already has too many waiting.
    func post(_ request: Request) -> Bool {
        let accepted = update { s in
            guard s.requests.count < maxRequests else { return false }
            s.requests.append(request)
            return true
        }
        return accepted
    }

    /// Keeps the newest broadcasts only: a busy client misses old notices
    /// rather than growing a queue.
    func broadcast(_ message: BroadcastMessage) {
        update { s in
            if s.broadcasts.count >= maxBroadcasts { s.broadcasts.removeFirst(); s.droppedBroadcasts += 1 }
            s.broadcasts.append(message)
        }
    }

    func noteInbound() { state.withLock { $0.inboundCount += 1 } }

    func pingDue() { update { $0.pingDue = true } }

    /// Wakes the writer (new updates in the store).
    func ring() { update { _ in } }

    /// Ends the writer's loop for `reason`; the first reason wins.
    func close(_ reason: DisconnectReason) { update { s in if s.closed == nil { s.closed = reason } } }

    var closedReason: DisconnectReason? { state.withLock { $0.closed } }

    func take() -> Taken {
        state.withLock { s in
            defer {
                s.requests.removeAll(keepingCapacity: true)
                s.broadcasts.removeAll(keepingCapacity: true)
                s.pingDue = false
            }
            return Taken(
                requests: s.requests, broadcasts: s.broadcasts, pingDue: s.pingDue, inboundCount: s.inboundCount)
        }
    }

    /// Waits until rung; returns the close reason when the session should end.
    func wait() async -> DisconnectReason? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.rung || s.closed != nil || Task.isCancelled { s.rung = false; return true }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            close(.clientClosed)
        }
        return state.withLock { s in
            s.rung = false
            return s.closed
        }
    }

    @discardableResult
    private func update<T>(_ body: (inout State) -> T) -> T {
        let (result, waiter) = state.withLock { s -> (T, CheckedContinuation<Void, Never>?) in
            let result = body(&s)
            s.rung = true
            let waiter = s.waiter
            s.waiter = nil
            return (result, waiter)
        }
        waiter?.resume()
        return result
    }
}

extension SessionInbox.Request {
    /// What a text message asks for; nil for a `pong`, which asks nothing.
    init?(text: String) {
        let parsed = ClientMessage.parse(text)
        switch (parsed.message, parsed.error) {
        case (.subscribe(let subscription)?, _): self = .subscribe(subscription, replyTo: parsed.replyTo)
        case (.unsubscribe(let channels)?, _): self = .unsubscribe(channels, replyTo: parsed.replyTo)
        case (.ping?, _): self = .pong(replyTo: parsed.replyTo)
        case (.pong?, _): return nil
        case (nil, let error):
            self = .error(error ?? ClientMessageError("invalid_message", "unreadable message"), replyTo: parsed.replyTo)
        }
    }

    static let binaryNotSupported = Self.error(
        ClientMessageError("binary_not_supported", "binary frames are not accepted; send JSON in text frames"),
        replyTo: nil
    )

    var isError: Bool { if case .error = self { true } else { false } }
}
