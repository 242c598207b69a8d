import DequeModule
package import NIOCore
import NIOPosix
import Synchronization

/// A connection to one nats-server: publish, subscribe, request/reply, flush,
/// and reconnection that restores every subscription.
///
/// Outgoing operations are encoded into one buffer under a lock and handed to
/// the socket in batches from the event loop, so many small publishes cost
/// one write. While disconnected that buffer keeps filling up to
/// `options.maxPendingOutgoingBytes`; past it a publish throws
/// `.pendingBufferFull`, nothing is dropped silently. On reconnect the SUBs go
/// out first, then the buffered bytes.
///
/// ```swift
/// let nats = try await NATSConnection.connect(NATSConnectionOptions(url: "nats://127.0.0.1:4222"))
/// let sub = try await nats.subscribe(to: "orders.>")
/// try await nats.publish("hello", to: "orders.new")
/// for await message in sub { print(message.subject, message.string) }
/// ```
package final class NATSConnection: Sendable {
    package enum Status: Sendable, Equatable {
        case connected
        /// Lost the server; buffering and retrying with backoff.
        case reconnecting
        /// `close()` was called, or reconnecting gave up (`lastError` says why).
        case closed
    }

    package struct Statistics: Sendable, Equatable {
        package var inMessages = 0
        package var inBytes = 0
        package var outMessages = 0
        package var outBytes = 0
        package var reconnects = 0
    }

    package let options: NATSConnectionOptions
    /// Replies to `request` arrive on `<inboxPrefix>.<token>`, through one wildcard subscription.
    package let inboxPrefix: String
    private let group: any EventLoopGroup
    private let state: Mutex<State>
    /// Bytes taken from `outgoing` for the socket, in the order they were taken
    /// (under the state lock, then this one: never the other way round), and
    /// written buffers kept for reuse.
    private let writes = Mutex(Writes())
    /// Bumped whenever `outgoing` is taken: a linger timer armed before that
    /// has nothing left to do, and returns without taking the state lock.
    private let writeGeneration = Atomic<UInt64>(0)

    private struct Writes {
        var ready = Deque<(channel: any Channel, bytes: ByteBuffer)>()
        /// Written buffers, cleared, to become `outgoing` again: a fresh
        /// allocation per write cost page faults and regrowth copies (~5% of a publish in `perf`).
        var spares: [ByteBuffer] = []
    }

    /// What a publish does after queuing its bytes (see `afterPublish`).
    private enum PublishWrite {
        case nothing
        case now(any Channel)
        case linger(any Channel, generation: UInt64)
        case handOff(any Channel, waiters: [CheckedContinuation<Void, Never>])
    }

    private struct SubscriptionRecord {
        let subscription: NATSSubscription
        var max: Int?
        var delivered = 0
    }

    private struct PongWaiter {
        let id: UInt64
        var continuation: CheckedContinuation<Void, any Error>?
    }

    private struct State {
        var status = Status.reconnecting
        var channel: (any Channel)?
        var serverInfo: NATSServerInfo? {
            didSet { maxPayload = serverInfo?.maxPayload ?? .max }
        }
        /// `serverInfo.maxPayload`, read on every publish: reading it through
        /// the optional struct copied all of INFO's fields (~3% of a publish in `perf`).
        var maxPayload = Int.max
        /// The last subject a publish validated: a publisher that keeps to a few
        /// subjects pays a comparison, not a scan, per message.
        var lastPublishSubject = ""
        /// Encoded operations the channel has not been handed yet.
        var outgoing = ByteBuffer()
        /// Full chunks of `outgoing` set aside, oldest first, while the socket
        /// is backed up: growing one buffer to megabytes instead cost regrowth
        /// copies and fresh pages (page faults were ~8% of a publish in `perf`).
        var parked: [ByteBuffer] = []
        var parkedBytes = 0
        /// The channel was seen not writable: `channelWritabilityChanged` writes
        /// everything, and publishes schedule no writes until then.
        var backedUp = false

        /// Bytes not yet handed to the channel: what `maxPendingOutgoingBytes` bounds.
        var pendingBytes: Int { outgoing.readableBytes + parkedBytes }
        var flushScheduled = false
        /// The scheduled write is a delayed one (see `afterPublish`).
        var lingering = false
        var lastWrite = NIODeadline.distantPast
        /// PINGs of `flush()` sitting in `outgoing`; their PONGs come only after they are sent.
        var pingsInOutgoing = 0
        /// PONGs still to come for PINGs whose waiters were failed by a disconnect.
        var ignoredPongs = 0
        var pongWaiters = Deque<PongWaiter>()
        var writeWaiters: [CheckedContinuation<Void, Never>] = []
        var subscriptions: [UInt64: SubscriptionRecord] = [:]
        var nextID: UInt64 = 1
        var muxSid: UInt64?
        var requests: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var lastError: NATSError?
        var statistics = Statistics()
        var supervisor: Task<Void, Never>?

        mutating func takeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }

        /// The channel to schedule a write on, if one is not already scheduled.
        mutating func scheduleWrite() -> (any Channel)? {
            guard status == .connected, !flushScheduled || lingering, let channel else { return nil }
            flushScheduled = true
            lingering = false
            return channel
        }

    }

    /// Like `scheduleWrite`, for a publish: while publishes keep coming (the
    /// last write was under a millisecond ago) the write waits `linger` so it
    /// carries many messages, until `lingerBytes` are queued. Small writes made
    /// the server spend its time in read calls: in `perf` nats-server took
    /// more CPU per message from this client than from the raw baseline's 70 KB
    /// writes. At `lingerBytes` the publisher hands the bytes over itself,
    /// still holding the lock: an event loop taking the lock from a busy
    /// publisher spun in `_lockSlow` for half its samples in `perf`.
    private func afterPublish(_ state: inout State) -> PublishWrite {
        guard state.status == .connected, let channel = state.channel else { return .nothing }
        if state.outgoing.readableBytes >= Self.lingerBytes {
            if !state.backedUp, channel.isWritable {
                return .handOff(channel, waiters: takeOutgoing(&state, for: channel))
            }
            state.backedUp = true
            state.parkedBytes += state.outgoing.readableBytes
            state.parked.append(state.outgoing)
            state.outgoing = channel.allocator.buffer(capacity: 2 * Self.lingerBytes)
            return .nothing
        }
        // Backed up, the write comes with `channelWritabilityChanged`: a write
        // scheduled per publish meanwhile found the socket full every time
        // while spinning on this lock (45% of the event loop in `perf`).
        if state.flushScheduled || state.backedUp { return .nothing }
        state.flushScheduled = true
        state.lingering = NIODeadline.now() - state.lastWrite < .milliseconds(1)
        return state.lingering
            ? .linger(channel, generation: writeGeneration.load(ordering: .relaxed)) : .now(channel)
    }

    private func perform(_ write: PublishWrite) {
        switch write {
        case .nothing:
            break
        case .now(let channel):
            scheduleWrite(on: channel)
        case .linger(let channel, let generation):
            channel.eventLoop.scheduleTask(in: Self.linger) {
                // Taken meanwhile: whoever took it wrote it, or armed a timer of its own.
                guard self.writeGeneration.load(ordering: .relaxed) == generation else { return }
                self.writeOutgoing(on: channel)
            }
        case .handOff(let channel, let waiters):
            channel.eventLoop.execute { self.writeReady(on: channel) }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Moves `outgoing` to the write queue, state lock held; the caller then
    /// has the event loop run `writeReady`, and resumes the returned waiters.
    private func takeOutgoing(_ state: inout State, for channel: any Channel) -> [CheckedContinuation<Void, Never>] {
        state.flushScheduled = false
        state.lingering = false
        state.backedUp = false
        state.pingsInOutgoing = 0
        state.lastWrite = .now()
        writeGeneration.wrappingAdd(1, ordering: .relaxed)
        let bytes = state.outgoing
        let parked = state.parked
        state.parked = []
        state.parkedBytes = 0
        let spare = writes.withLock { writes in
            for chunk in parked { writes.ready.append((channel, chunk)) }
            if bytes.readableBytes > 0 { writes.ready.append((channel, bytes)) }
            return writes.spares.popLast()
        }
        state.outgoing =
            spare ?? channel.allocator.buffer(capacity: Swift.max(4096, Swift.min(bytes.readableBytes, 1 << 20)))
        defer { state.writeWaiters = [] }
        return state.writeWaiters
    }

    /// How long a publish write waits for more while publishes keep coming, and how many bytes end the wait.
    static let linger = TimeAmount.microseconds(50)
    static let lingerBytes = 64 * 1024

    private init(options: NATSConnectionOptions, group: any EventLoopGroup) {
        self.options = options
        self.group = group
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        self.inboxPrefix = "_INBOX." + String((0..<22).map { _ in alphabet.randomElement()! })
        self.state = Mutex(State())
    }

    /// Connects and does the handshake; throws if the first connection fails
    /// (`.authorizationViolation` for refused credentials). Later losses are
    /// reconnected in the background.
    package static func connect(
        _ options: NATSConnectionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NATSConnection {
        let connection = NATSConnection(options: options, group: group)
        let (channel, info) = try await connection.openChannel()
        guard connection.becomeConnected(channel, info) else { throw NATSError(.closed, "closed while connecting") }
        connection.startSupervisor(watching: channel)
        return connection
    }

    package var status: Status { state.withLock { $0.status } }
    package var serverInfo: NATSServerInfo? { state.withLock { $0.serverInfo } }
    package var statistics: Statistics { state.withLock { $0.statistics } }
    /// The last error seen: a server -ERR, a failed reconnect attempt, a protocol violation.
    package var lastError: NATSError? { state.withLock { $0.lastError } }

    // MARK: Publishing

    /// Queues one PUB (HPUB with `headers`). Returns once the bytes are queued,
    /// not when the server has them: `flush()` is the round trip that says so.
    /// Waits while the outgoing buffer is full and connected; throws
    /// `.pendingBufferFull` when it is full and disconnected.
    @inlinable
    nonisolated(nonsending) package func publish(
        _ payload: ByteBuffer, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) async throws {
        // Inlinable around a plain call: a publish that need not wait costs the
        // caller no async call (its task frame alloc/dealloc and executor check
        // were ~15% of a publish in `perf`). Nonsending, so it runs on the
        // caller's executor: a plain nonisolated async func still hopped to the
        // generic executor and back on every call (`swift_task_switch` ≈ 8%).
        if headers == nil {
            if try enqueuePlainPublish(payload, to: subject, replyTo: replyTo) { return }
        } else if try enqueuePublish(payload, to: subject, replyTo: replyTo, headers: headers) {
            return
        }
        try await publishAfterWaiting(payload, to: subject, replyTo: replyTo, headers: headers)
    }

    /// `enqueuePublish` without headers, the common case, with no optional
    /// header block to copy through and the subject check cached (`lastPublishSubject`).
    @usableFromInline
    func enqueuePlainPublish(_ payload: ByteBuffer, to subject: String, replyTo: String?) throws(NATSError) -> Bool {
        if let replyTo { try NATSClientOps.validateSubject(replyTo) }
        let write = try state.withLock { state throws(NATSError) -> PublishWrite? in
            if state.status == .connected, state.pendingBytes >= options.maxPendingOutgoingBytes {
                return nil
            }
            if subject != state.lastPublishSubject {
                try NATSClientOps.validateSubject(subject, wildcardsAllowed: false)
                state.lastPublishSubject = subject
            }
            try append(&state, payloadBytes: payload.readableBytes) { buffer in
                NATSClientOps.writePlainPublish(subject: subject, replyTo: replyTo, payload: payload, into: &buffer)
            }
            return afterPublish(&state)
        }
        guard let write else { return false }
        perform(write)
        return true
    }

    /// Queues one PUB and schedules its write; false, with nothing queued, when
    /// the outgoing buffer is full while connected (the caller waits for room).
    @usableFromInline
    func enqueuePublish(
        _ payload: ByteBuffer, to subject: String, replyTo: String?, headers: NATSHeaders?
    ) throws(NATSError) -> Bool {
        try NATSClientOps.validateSubject(subject, wildcardsAllowed: false)
        if let replyTo { try NATSClientOps.validateSubject(replyTo) }
        let write = try state.withLock { state throws(NATSError) -> PublishWrite? in
            if state.status == .connected, state.pendingBytes >= options.maxPendingOutgoingBytes {
                return nil
            }
            try append(&state, payloadBytes: payload.readableBytes) { buffer throws(NATSError) in
                try NATSClientOps.writePublish(
                    subject: subject, replyTo: replyTo, headers: headers, payload: payload, into: &buffer)
            }
            return afterPublish(&state)
        }
        guard let write else { return false }
        perform(write)
        return true
    }

    @usableFromInline
    nonisolated(nonsending) func publishAfterWaiting(
        _ payload: ByteBuffer, to subject: String, replyTo: String?, headers: NATSHeaders?
    ) async throws {
        repeat {
            await waitForRoom()
        } while try !enqueuePublish(payload, to: subject, replyTo: replyTo, headers: headers)
    }

    package func publish(
        _ payload: String, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) async throws {
        try await publish(ByteBuffer(string: payload), to: subject, replyTo: replyTo, headers: headers)
    }

    /// Queues every message of `batch`, in order, under one lock, and hands
    /// them to the socket at once (no linger). All or nothing: a payload over max_payload, or
    /// a batch that would pass the pending bound while disconnected, throws and
    /// queues none of them. Waits, as `publish` does, while the outgoing buffer is full.
    package func publish(_ batch: NATSPublishBatch) async throws {
        guard !batch.isEmpty else { return }
        while true {
            let write = try state.withLock { state throws(NATSError) -> PublishWrite? in
                guard state.status != .closed else { throw NATSError(.closed, "the connection is closed") }
                if batch.largestPayload > state.maxPayload {
                    throw NATSError(
                        .payloadTooLarge,
                        "a payload of \(batch.largestPayload) bytes exceeds the server's max_payload \(state.maxPayload)"
                    )
                }
                if state.status == .connected {
                    if state.pendingBytes >= options.maxPendingOutgoingBytes { return nil }
                } else if state.pendingBytes + batch.encodedBytes > options.maxPendingOutgoingBytes {
                    throw NATSError(
                        .pendingBufferFull,
                        "disconnected and \(options.maxPendingOutgoingBytes) bytes of pending outgoing data would be passed"
                    )
                }
                if state.outgoing.readableBytes == 0 {
                    state.outgoing = batch.bytes  // shares the storage: no copy
                } else {
                    state.outgoing.writeImmutableBuffer(batch.bytes)
                }
                state.statistics.outMessages += batch.count
                state.statistics.outBytes += batch.payloadBytes
                // Handed over here, as `afterPublish` does past `lingerBytes`.
                guard state.status == .connected, let channel = state.channel, !state.backedUp else {
                    return PublishWrite.nothing
                }
                if channel.isWritable { return .handOff(channel, waiters: takeOutgoing(&state, for: channel)) }
                state.backedUp = true
                return PublishWrite.nothing
            }
            if let write {
                perform(write)
                return
            }
            await waitForRoom()
        }
    }

    /// Writes one message's bytes into `outgoing`, enforcing max_payload and,
    /// while disconnected, the pending bound (rolled back, then thrown).
    private func append(
        _ state: inout State, payloadBytes: Int, _ write: (inout ByteBuffer) throws(NATSError) -> Void
    ) throws(NATSError) {
        guard state.status != .closed else { throw NATSError(.closed, "the connection is closed") }
        if payloadBytes > state.maxPayload {
            throw NATSError(
                .payloadTooLarge,
                "payload of \(payloadBytes) bytes exceeds the server's max_payload \(state.maxPayload)")
        }
        let mark = state.outgoing.writerIndex
        try write(&state.outgoing)
        if state.status != .connected, state.pendingBytes > options.maxPendingOutgoingBytes {
            state.outgoing.moveWriterIndex(to: mark)
            throw NATSError(
                .pendingBufferFull,
                "disconnected and \(options.maxPendingOutgoingBytes) bytes of pending outgoing data already buffered")
        }
        state.statistics.outMessages += 1
        state.statistics.outBytes += payloadBytes
    }

    private func waitForRoom() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                guard state.status == .connected, state.pendingBytes >= options.maxPendingOutgoingBytes else {
                    return true
                }
                state.writeWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    // MARK: Subscribing

    /// Sends SUB (now, or on reconnect if disconnected). With `queue`, the server
    /// gives each message to one member of the group.
    package func subscribe(
        to subject: String, queue: String? = nil, limits: NATSSubscription.Limits? = nil
    ) async throws -> NATSSubscription {
        try NATSClientOps.validateSubject(subject)
        if let queue { try NATSClientOps.validateSubject(queue, wildcardsAllowed: false) }
        let (subscription, channel) = try state.withLock { state throws(NATSError) in
            guard state.status != .closed else { throw NATSError(.closed, "the connection is closed") }
            let subscription = register(
                &state, subject: subject, queue: queue, limits: limits ?? options.subscriptionLimits)
            return (subscription, state.scheduleWrite())
        }
        if let channel { scheduleWrite(on: channel) }
        return subscription
    }

    /// Records a subscription and queues its SUB; the caller schedules the write
    /// (so no path can mark a write scheduled and then drop it).
    private func register(
        _ state: inout State, subject: String, queue: String?, limits: NATSSubscription.Limits
    ) -> NATSSubscription {
        let sid = state.takeID()
        let subscription = NATSSubscription(subject: subject, queue: queue, sid: sid, limits: limits, connection: self)
        state.subscriptions[sid] = SubscriptionRecord(subscription: subscription)
        // While disconnected, becomeConnected sends it with all the others.
        if state.status == .connected {
            NATSClientOps.writeSubscribe(subject: subject, queue: queue, sid: sid, into: &state.outgoing)
        }
        return subscription
    }

    func unsubscribe(_ subscription: NATSSubscription, after max: Int?) async throws {
        let (finished, channel) = state.withLock { state -> (Bool, (any Channel)?) in
            guard var record = state.subscriptions[subscription.sid] else { return (true, nil) }
            let finishesNow = max.map { $0 <= record.delivered } ?? true
            if finishesNow {
                state.subscriptions[subscription.sid] = nil
            } else {
                record.max = max
                state.subscriptions[subscription.sid] = record
            }
            guard state.status == .connected else { return (finishesNow, nil) }
            NATSClientOps.writeUnsubscribe(sid: subscription.sid, max: finishesNow ? nil : max, into: &state.outgoing)
            return (finishesNow, state.scheduleWrite())
        }
        if let channel { scheduleWrite(on: channel) }
        if finished { subscription.finish() }
    }

    // MARK: Request/reply

    /// A unique subject under `inboxPrefix`, for a reply or a JetStream fetch.
    package func newInbox() -> String {
        "\(inboxPrefix).\(state.withLock { $0.takeID() })"
    }

    /// Publishes with a unique reply subject and waits for the first answer.
    /// Throws `.noResponders` when nobody subscribes to `subject`, `.timeout` after `timeout`.
    package func request(
        _ payload: ByteBuffer, to subject: String, headers: NATSHeaders? = nil, timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        try NATSClientOps.validateSubject(subject, wildcardsAllowed: false)
        let token = state.withLock { "\($0.takeID())" }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                do {
                    let channel = try state.withLock { state throws(NATSError) -> (any Channel)? in
                        if state.muxSid == nil {
                            // One wildcard subscription carries every reply.
                            state.muxSid =
                                register(&state, subject: "\(inboxPrefix).*", queue: nil, limits: .init()).sid
                        }
                        try append(&state, payloadBytes: payload.readableBytes) { buffer throws(NATSError) in
                            try NATSClientOps.writePublish(
                                subject: subject, replyTo: "\(inboxPrefix).\(token)", headers: headers,
                                payload: payload, into: &buffer)
                        }
                        state.requests[token] = continuation
                        return state.scheduleWrite()
                    }
                    if let channel { scheduleWrite(on: channel) }
                    group.next().scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
                        self.failRequest(token, NATSError(.timeout, "no reply on \(subject) within \(timeout)"))
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            failRequest(token, CancellationError())
        }
    }

    package func request(
        _ payload: String, to subject: String, headers: NATSHeaders? = nil, timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        try await request(ByteBuffer(string: payload), to: subject, headers: headers, timeout: timeout)
    }

    private func failRequest(_ token: String, _ error: any Error) {
        state.withLock { $0.requests.removeValue(forKey: token) }?.resume(throwing: error)
    }

    // MARK: Flush

    /// A PING/PONG round trip: when it returns, the server has processed
    /// everything published before it. Throws `.notConnected` while reconnecting.
    package func flush(timeout: Duration = .seconds(10)) async throws {
        let id = state.withLock { $0.takeID() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { state -> Result<(any Channel)?, NATSError> in
                guard state.status == .connected else {
                    return .failure(
                        NATSError(
                            state.status == .closed ? .closed : .notConnected, "cannot flush while \(state.status)"))
                }
                NATSClientOps.writePing(into: &state.outgoing)
                state.pingsInOutgoing += 1
                state.pongWaiters.append(PongWaiter(id: id, continuation: continuation))
                return .success(state.scheduleWrite())
            }
            switch outcome {
            case .failure(let error):
                continuation.resume(throwing: error)
            case .success(let channel):
                if let channel { scheduleWrite(on: channel) }
                group.next().scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
                    // The slot stays (its PONG will still come); only the waiter leaves.
                    let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                        guard let index = state.pongWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                        defer { state.pongWaiters[index].continuation = nil }
                        return state.pongWaiters[index].continuation
                    }
                    waiter?.resume(throwing: NATSError(.timeout, "no PONG within \(timeout)"))
                }
            }
        }
    }

    // MARK: Closing

    /// Flushes what is queued (if connected), closes the socket, ends every
    /// subscription's sequence and fails outstanding requests. Idempotent.
    package func close() async {
        if status == .connected { try? await flush() }
        let taken = state.withLock { state in
            state.status = .closed
            defer {
                state.channel = nil
                state.subscriptions = [:]
                state.requests = [:]
                state.pongWaiters = []
                state.writeWaiters = []
                state.supervisor = nil
            }
            return (
                state.channel, state.subscriptions.values.map(\.subscription), Array(state.requests.values),
                state.pongWaiters.compactMap(\.continuation), state.writeWaiters, state.supervisor
            )
        }
        taken.5?.cancel()
        let closed = NATSError(.closed, "the connection was closed")
        for request in taken.2 { request.resume(throwing: closed) }
        for waiter in taken.3 { waiter.resume(throwing: closed) }
        for waiter in taken.4 { waiter.resume() }
        for subscription in taken.1 { subscription.finish() }
        try? await taken.0?.close()
    }

    // MARK: The event loop side

    private func scheduleWrite(on channel: any Channel) {
        channel.eventLoop.execute { self.writeOutgoing(on: channel) }
    }

    /// Hands `outgoing` to the channel in one write, unless the socket is backed up
    /// (then `channelWritabilityChanged` calls this again).
    func writeOutgoing(on channel: any Channel) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.status == .connected, state.channel === channel, state.pendingBytes > 0,
                channel.isWritable
            else {
                state.flushScheduled = false
                state.lingering = false
                // Set and cleared here on every call: a drained socket that
                // finds nothing pending must clear it, or publishes would wait
                // for a writability change that never comes.
                if state.channel === channel { state.backedUp = !channel.isWritable }
                return []
            }
            return takeOutgoing(&state, for: channel)
        }
        writeReady(on: channel)
        for waiter in waiters { waiter.resume() }
    }

    /// Writes what was taken for `channel`, in order, on its event loop, and
    /// keeps up to two written buffers for reuse. Bytes taken for a channel
    /// that has closed since are dropped, as a write to it would have been.
    private func writeReady(on channel: any Channel) {
        var ready = writes.withLock { writes in
            var mine = Deque<(channel: any Channel, bytes: ByteBuffer)>()
            var others = Deque<(channel: any Channel, bytes: ByteBuffer)>()
            while let entry = writes.ready.popFirst() {
                if entry.channel === channel {
                    mine.append(entry)
                } else if entry.channel.isActive {
                    others.append(entry)
                }
            }
            writes.ready = others
            return mine
        }
        guard !ready.isEmpty else { return }
        for entry in ready { channel.write(entry.bytes, promise: nil) }
        channel.flush()
        var spares: [ByteBuffer] = []
        while var entry = ready.popFirst() {
            // Written in full by now unless the socket is backed up; then the
            // channel still holds it, and `clear()` gets fresh storage instead.
            guard spares.count < 2, entry.bytes.capacity <= 1 << 20 else { continue }
            entry.bytes.clear()
            spares.append(entry.bytes)
        }
        writes.withLock { writes in
            for spare in spares where writes.spares.count < 2 { writes.spares.append(spare) }
        }
    }

    func received(_ op: NATSServerOp, on channel: any Channel) {
        switch op {
        case .message(let message): deliver([message])
        case .pong:
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if state.ignoredPongs > 0 {
                    state.ignoredPongs -= 1
                    return nil
                }
                return state.pongWaiters.popFirst()?.continuation
            }
            waiter?.resume()
        case .error(let text):
            // Most -ERRs are followed by the server closing the socket; reconnect handles that.
            recordError(NATSError(.serverError, text))
        case .info(let info):
            state.withLock { $0.serverInfo = info }
        case .ok, .ping:
            break
        }
    }

    /// Routes one read's messages: one lock for the batch, then one hand-over per subscription.
    func deliver(_ messages: [NATSMessage]) {
        var targets: [(subscription: NATSSubscription, messages: [NATSMessage], last: Bool)] = []
        var replies: [(CheckedContinuation<NATSMessage, any Error>, NATSMessage)] = []
        let single: NATSSubscription? = state.withLock { state in
            // The common case, one subscription without a max and not the inbox:
            // the whole batch goes over as it is, no message copied.
            guard let sid = messages.first?.sid, sid != state.muxSid, let record = state.subscriptions[sid],
                record.max == nil,
                messages.allSatisfy({ $0.sid == sid })
            else { return nil }
            state.subscriptions[sid]!.delivered += messages.count
            state.statistics.inMessages += messages.count
            for message in messages { state.statistics.inBytes += message.payload.readableBytes }
            return record.subscription
        }
        if let single {
            single.enqueue(messages)
            return
        }
        state.withLock { state in
            for message in messages {
                state.statistics.inMessages += 1
                state.statistics.inBytes += message.payload.readableBytes
                if message.sid == state.muxSid {
                    let token = String(message.subject.dropFirst(inboxPrefix.count + 1))
                    if let continuation = state.requests.removeValue(forKey: token) {
                        replies.append((continuation, message))
                    }
                    continue
                }
                guard let index = state.subscriptions.index(forKey: message.sid) else { continue }
                state.subscriptions.values[index].delivered += 1
                let record = state.subscriptions.values[index]
                let last = record.max.map { record.delivered >= $0 } ?? false
                if last { state.subscriptions.remove(at: index) }
                // Few subscriptions per read in practice: a linear search beats hashing here.
                if let slot = targets.firstIndex(where: { $0.subscription === record.subscription }) {
                    targets[slot].messages.append(message)
                    targets[slot].last = targets[slot].last || last
                } else {
                    targets.append((record.subscription, [message], last))
                }
            }
        }
        for target in targets {
            target.subscription.enqueue(target.messages)
            if target.last { target.subscription.finish() }
        }
        for (continuation, message) in replies {
            if message.status == 503 {
                continuation.resume(throwing: NATSError(.noResponders, "no responders on \(message.subject)"))
            } else {
                continuation.resume(returning: message)
            }
        }
    }

    func recordError(_ error: NATSError) {
        state.withLock { $0.lastError = error }
    }

    /// The socket is gone: fail flushes in flight, keep everything else for the reconnect.
    func channelClosed(_ channel: any Channel) {
        let (pongs, writers) = state.withLock {
            state -> ([CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>]) in
            guard state.channel === channel else { return ([], []) }
            state.channel = nil
            if state.status == .connected { state.status = .reconnecting }
            state.ignoredPongs = state.pingsInOutgoing
            defer { state.pongWaiters = []; state.writeWaiters = [] }
            return (state.pongWaiters.compactMap(\.continuation), state.writeWaiters)
        }
        let lost = NATSError(.connectionFailed, "connection lost before the server answered PING")
        for pong in pongs { pong.resume(throwing: lost) }
        for writer in writers { writer.resume() }
    }

    // MARK: Connecting and reconnecting

    private func openChannel() async throws -> (any Channel, NATSServerInfo) {
        let loop = group.next()
        let handshake = loop.makePromise(of: NATSServerInfo.self)
        let options = self.options
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // Reads of up to 256 KB: a busy subscription then costs the server
            // and us fewer, fuller socket calls (NIO's default tops out at 64 KB).
            .channelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 256 * 1024)
            )
            .connectTimeout(.nanoseconds(options.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NATSChannelHandler(options: options, handshake: handshake, connection: self))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: options.host, port: options.port).get()
        } catch {
            handshake.fail(error)
            throw NATSError(.connectionFailed, "cannot connect to \(options.host):\(options.port): \(error)")
        }
        let timeout = loop.scheduleTask(in: .nanoseconds(options.connectTimeout.nanoseconds)) {
            handshake.fail(
                NATSError(
                    .timeout, "no handshake from \(options.host):\(options.port) within \(options.connectTimeout)"))
            channel.close(promise: nil)
        }
        do {
            let info = try await handshake.futureResult.get()
            timeout.cancel()
            return (channel, info)
        } catch {
            timeout.cancel()
            channel.close(promise: nil)
            throw error as? NATSError ?? NATSError(.connectionFailed, "\(error)")
        }
    }

    /// Makes `channel` current: SUBs for every subscription first, then what was buffered.
    private func becomeConnected(_ channel: any Channel, _ info: NATSServerInfo) -> Bool {
        let ready = state.withLock { state -> Bool in
            guard state.status != .closed else { return false }
            state.channel = channel
            state.serverInfo = info
            state.status = .connected
            var hello = channel.allocator.buffer(capacity: 256 + state.pendingBytes)
            for (sid, record) in state.subscriptions.sorted(by: { $0.key < $1.key }) {
                let subscription = record.subscription
                NATSClientOps.writeSubscribe(
                    subject: subscription.subject, queue: subscription.queue, sid: sid, into: &hello)
                if let max = record.max {
                    NATSClientOps.writeUnsubscribe(sid: sid, max: max - record.delivered, into: &hello)
                }
            }
            for chunk in state.parked { hello.writeImmutableBuffer(chunk) }
            hello.writeBuffer(&state.outgoing)
            state.parked = []
            state.parkedBytes = 0
            state.backedUp = false
            state.outgoing = hello
            state.flushScheduled = true
            return true
        }
        if ready {
            channel.eventLoop.execute { self.writeOutgoing(on: channel) }
        } else {
            channel.close(promise: nil)
        }
        return ready
    }

    private func startSupervisor(watching first: any Channel) {
        let task = Task { await self.supervise(first) }
        let closed = state.withLock { state in
            if state.status == .closed { return true }
            state.supervisor = task
            return false
        }
        if closed { task.cancel() }
    }

    /// Waits for the channel to close, then reconnects with backoff, for as long as the connection is open.
    private func supervise(_ first: any Channel) async {
        var channel = first
        while true {
            try? await channel.closeFuture.get()
            channelClosed(channel)
            var attempt = 0
            while true {
                if status == .closed { return }
                if let max = options.reconnect.maxAttempts, attempt >= max {
                    recordError(NATSError(.closed, "gave up after \(max) reconnect attempts"))
                    await close()
                    return
                }
                try? await Task.sleep(for: options.reconnect.delay(attempt: attempt))
                attempt += 1
                if status == .closed { return }
                do {
                    let (next, info) = try await openChannel()
                    guard becomeConnected(next, info) else { return }
                    state.withLock { $0.statistics.reconnects += 1 }
                    channel = next
                    break
                } catch {
                    recordError(error as? NATSError ?? NATSError(.connectionFailed, "\(error)"))
                }
            }
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
