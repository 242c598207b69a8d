import DequeModule
import NIOCore
import Synchronization

/// The messages of one SUB, as an `AsyncSequence` with one consumer.
///
/// Memory is bounded: messages the consumer has not taken yet count against
/// `limits` (messages and payload bytes, like nats-server's own slow-consumer
/// limits). A message arriving past either limit is dropped and counted in
/// `dropped`; it is never buffered. The consumer takes everything waiting in
/// one go (so the event loop and the consumer meet once per batch, not per
/// message), and that taken batch, itself within the limits, no longer counts
/// against them: the worst case held is twice the limits.
///
/// Iterate it from one task. The sequence ends after `unsubscribe()`, after
/// the `max` messages of `unsubscribe(after:)`, or when the connection closes.
package final class NATSSubscription: AsyncSequence, Sendable {
    package typealias Element = NATSMessage

    /// A slow subscriber's bound. Defaults are nats.go's: 512 Ki messages, 64 MiB.
    package struct Limits: Sendable, Equatable {
        package var maxMessages: Int
        package var maxBytes: Int

        package init(maxMessages: Int = 512 * 1024, maxBytes: Int = 64 * 1024 * 1024) {
            self.maxMessages = maxMessages
            self.maxBytes = maxBytes
        }
    }

    package let subject: String
    package let queue: String?
    package let sid: UInt64
    package let limits: Limits
    private let connection: NATSConnection
    private let inbox: Mutex<Inbox>

    private struct Inbox {
        var messages = Deque<NATSMessage>()
        var bytes = 0
        var dropped = 0
        var finished = false
        var waiter: CheckedContinuation<NATSMessage?, Never>?
    }

    init(subject: String, queue: String?, sid: UInt64, limits: Limits, connection: NATSConnection) {
        self.subject = subject
        self.queue = queue
        self.sid = sid
        self.limits = limits
        self.connection = connection
        self.inbox = Mutex(Inbox())
    }

    /// Messages dropped because the consumer was behind by more than `limits`.
    package var dropped: Int { inbox.withLock { $0.dropped } }
    /// Messages delivered by the server and not yet returned by the iterator.
    package var pendingMessages: Int { inbox.withLock { $0.messages.count } + taken.withLock { $0.count } }
    /// Payload bytes counted against `limits.maxBytes` (the taken batch excluded).
    package var pendingBytes: Int { inbox.withLock { $0.bytes } }

    /// Sends UNSUB; the sequence ends once what was already received is consumed.
    /// With `max`, the server sends up to `max` messages in all, then stops.
    package func unsubscribe(after max: Int? = nil) async throws {
        try await connection.unsubscribe(self, after: max)
    }

    // MARK: Delivery (called from the connection)

    /// Queues `messages` (in order), counting those past the limits as dropped;
    /// wakes a waiting consumer once for the whole batch.
    func enqueue(_ messages: [NATSMessage]) {
        let (waiter, handed): (CheckedContinuation<NATSMessage?, Never>?, NATSMessage?) = inbox.withLock { inbox in
            guard !inbox.finished else { return (nil, nil) }
            var rest = messages[...]
            var waiter: CheckedContinuation<NATSMessage?, Never>?
            var handed: NATSMessage?
            if let waiting = inbox.waiter, let first = rest.popFirst() {
                inbox.waiter = nil
                waiter = waiting
                handed = first
            }
            for message in rest {
                let size = Self.size(of: message)
                guard inbox.messages.count < limits.maxMessages, inbox.bytes + size <= limits.maxBytes else {
                    inbox.dropped += 1
                    continue
                }
                inbox.messages.append(message)
                inbox.bytes += size
            }
            return (waiter, handed)
        }
        waiter?.resume(returning: handed)
    }

    /// What a message counts against `maxBytes`: its payload, and a flat 64 for a header block.
    private static func size(of message: NATSMessage) -> Int {
        message.payload.readableBytes + (message.headers == nil ? 0 : 64)
    }

    /// Ends the sequence after what is queued.
    func finish() {
        let waiter = inbox.withLock { inbox in
            inbox.finished = true
            defer { inbox.waiter = nil }
            return inbox.waiter
        }
        waiter?.resume(returning: nil)
    }

    private func takeAll(isolation actor: isolated (any Actor)?) async -> Deque<NATSMessage> {
        let taken: Deque<NATSMessage>? = inbox.withLock { inbox in
            guard !inbox.messages.isEmpty else { return nil }
            // Room for a batch like this one: an empty Deque regrew by doubling,
            // copying as it went (≈ 2% of the subscribe path in `perf`).
            defer { inbox.messages = Deque(minimumCapacity: inbox.messages.count); inbox.bytes = 0 }
            return inbox.messages
        }
        if let taken { return taken }
        let next: NATSMessage? = await withTaskCancellationHandler {
            await withCheckedContinuation(isolation: actor) { continuation in
                let immediate: NATSMessage?? = inbox.withLock { inbox in
                    if let first = inbox.messages.popFirst() {
                        inbox.bytes -= Self.size(of: first)
                        return .some(first)
                    }
                    // Finished, cancelled, or a second concurrent consumer: end this iterator.
                    if inbox.finished || Task.isCancelled || inbox.waiter != nil { return .some(nil) }
                    inbox.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = inbox.withLock { inbox in
                defer { inbox.waiter = nil }
                return inbox.waiter
            }
            waiter?.resume(returning: nil)
        }
        return next.map { [$0] } ?? []
    }

    /// The batch the consumer took. It lives here, not in the iterator, so a
    /// loop that breaks and a later loop over the same subscription lose nothing.
    /// Only the consumer touches it, so its lock is never contended.
    private let taken = Mutex(Deque<NATSMessage>())

    /// The next message of the taken batch, if any: the iterator's fast path,
    /// a plain call (no async frame, no executor check), which is most calls.
    @usableFromInline
    func nextTaken() -> NATSMessage? {
        taken.withLock { $0.popFirst() }
    }

    /// Takes what is waiting, or waits for the next message, on the caller's
    /// isolation: a consumer on an actor is not hopped off it and back per batch.
    @usableFromInline
    func nextBatch(isolation actor: isolated (any Actor)?) async -> NATSMessage? {
        var batch = await takeAll(isolation: actor)
        let first = batch.popFirst()
        if !batch.isEmpty { taken.withLock { $0 = batch } }
        return first
    }

    package struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let subscription: NATSSubscription

        init(subscription: NATSSubscription) { self.subscription = subscription }

        // Inlinable, so a consumer's `for await` pays a plain call per message,
        // not an async call (in `perf`, task frame alloc/dealloc and the
        // executor check of two nested async calls were most of the consumer's cost).
        @inlinable
        package mutating func next() async -> NATSMessage? {
            if let message = subscription.nextTaken() { return message }
            return await subscription.nextBatch(isolation: nil)
        }

        @inlinable
        package mutating func next(isolation actor: isolated (any Actor)?) async -> NATSMessage? {
            if let message = subscription.nextTaken() { return message }
            return await subscription.nextBatch(isolation: actor)
        }
    }

    package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
