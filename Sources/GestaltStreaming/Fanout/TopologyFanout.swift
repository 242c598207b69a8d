package import GestaltEngine
package import GestaltModel
package import NIOCore
import Synchronization

/// Serves SSE topology clients from their channels' event loops. On each
/// change every loop makes one pass over its clients and writes each one's
/// next batch straight to its channel: no task waits per client, there is no
/// thread hop per write, and unfiltered clients at the same revision share
/// one framed batch. A client whose socket is full is skipped until it drains.
package final class TopologyFanout: Sendable {
    let store: TopologyStore
    let stats: StreamStats
    /// Serves resumes older than the store's log (`RecordedBacklog`).
    package let history: (any HistoryQueries)?
    /// Least time from one pass of a loop to its next (`LoopFanout.schedule`).
    let window: TimeAmount
    private let loops = Mutex<[ObjectIdentifier: LoopFanout]>([:])

    /// - Parameter window: least time between two passes of one loop. A
    ///   change that comes sooner waits for the window's end, and every
    ///   change until then rides along: a client gets them in one write.
    ///   Zero: a pass per change, as soon as the loop gets to it.
    package init(
        store: TopologyStore, stats: StreamStats, history: (any HistoryQueries)? = nil, window: Duration = .zero
    ) {
        self.store = store
        self.stats = stats
        self.history = history
        self.window = TimeAmount(window)
        store.topologySignal.observe { [weak self] wake in self?.wake(wake, events: false) }
        store.eventSignal.observe { [weak self] wake in self?.wake(wake, events: true) }
    }

    /// Visits `member` on every pass of `loop` from now on, starting with one
    /// at once. Call on `loop`, the member's channel's.
    package func join(_ member: any FanoutMember, on loop: any EventLoop) {
        let clients = clients(on: loop)
        clients.add(member)
        if store.topologySignal.isClosed { member.fanoutFinish(.serverShutdown) } else { clients.pump(member) }
    }

    /// Stops visiting `member`. Call on `loop`.
    package func leave(_ member: any FanoutMember, on loop: any EventLoop) {
        clients(on: loop).remove(member)
    }

    /// A pass for `member` alone, at once (it has something to catch up on). Call on `loop`.
    package func pump(_ member: any FanoutMember, on loop: any EventLoop) {
        clients(on: loop).pump(member)
    }

    /// Serves one SSE client from its channel's event loop: the opening
    /// (`retry`, `connected`, a `full` or the missed updates), then the deltas
    /// and keepalives, each handed to `write` as a body chunk. The caller's
    /// task only waits, which keeps what it holds per client small.
    /// - Returns: why the stream ended.
    package func stream(
        filter: TopologyFilter, delta: DeltaForm = .entity, resumeFrom: UInt64?, recorded: RecordedBacklog? = nil,
        options: StreamOptions,
        channel: any Channel, connection: StreamConnection,
        write: @escaping @Sendable (ByteBuffer) -> Void
    ) async throws -> DisconnectReason {
        try await start(
            filter: filter, delta: delta, resumeFrom: resumeFrom, recorded: recorded, options: options,
            channel: channel,
            connection: connection, write: write
        ).get()
    }

    /// Like `stream`, for a caller with no task to wait in: the future
    /// completes, on the channel's loop, with why the stream ended.
    /// `recorded` is what history holds of a resume older than the log.
    /// - Parameter chunked: the response is HTTP/1.1 chunked and its encoder
    ///   sits after this handler in a plain TCP pipeline: the deltas go out as
    ///   chunks framed once for every client (`SSEFrame.chunk`), written past
    ///   the encoder. The opening still goes through `write`.
    package func start(
        filter: TopologyFilter, delta: DeltaForm = .entity, resumeFrom: UInt64?, recorded: RecordedBacklog? = nil,
        options: StreamOptions,
        channel: any Channel, connection: StreamConnection, chunked: Bool = false,
        write: @escaping @Sendable (ByteBuffer) -> Void
    ) -> EventLoopFuture<DisconnectReason> {
        stats.opened(.topology)
        let cursor = TopologyCursor(store: store, filter: filter, delta: delta, options: options, stats: stats)
        let ended: EventLoopFuture<DisconnectReason>
        if recorded == nil, let history, let resumeFrom,
            RecordedBacklog.mayServe(store: store, resumeFrom: resumeFrom, filter: filter)
        {
            // Older than the log: ask history first (off the loop), then open.
            ended = afterHistory(
                history, resumeFrom: resumeFrom, filter: filter, options: options, channel: channel,
                connection: connection
            ) { recorded in
                self.serve(
                    channel: channel, cursor: cursor, resumeFrom: resumeFrom, recorded: recorded,
                    connection: connection, chunked: chunked, write: write)
            }
        } else {
            ended = serve(
                channel: channel, cursor: cursor, resumeFrom: resumeFrom, recorded: recorded, connection: connection,
                chunked: chunked, write: write
            )
        }
        ended.whenComplete { [stats] _ in stats.closed(.topology) }
        return ended
    }

    private func serve(
        channel: any Channel, cursor: TopologyCursor, resumeFrom: UInt64?, recorded: RecordedBacklog?,
        connection: StreamConnection,
        chunked: Bool,
        write: @escaping @Sendable (ByteBuffer) -> Void
    ) -> EventLoopFuture<DisconnectReason> {
        admit(
            channel: channel, connection: connection, keepalive: cursor.options.keepalive, chunked: chunked,
            write: write
        ) {
            var cursor = cursor
            let frames = TopologyOpening.frames(
                cursor: &cursor, resumeFrom: resumeFrom, recorded: recorded, stats: self.stats)
            connection.progressed(revision: cursor.revision)
            return (frames.map { ($0.buffer, $0.messages) }, .topology(cursor))
        }
    }

    /// Serves one SSE client of the events stream from its channel's event
    /// loop, as `start` serves a topology client: the opening (`retry`,
    /// `connected`, the missed events of a resume), then each new event the
    /// filter admits and keepalives, handed to `write` as body chunks. A
    /// client whose socket is full is skipped until it drains; one that
    /// falls out of the retained window skips to now.
    package func startEvents(
        filter: EventFilter, resumeFrom: UInt64?, options: StreamOptions, channel: any Channel,
        connection: StreamConnection, write: @escaping @Sendable (ByteBuffer) -> Void
    ) -> EventLoopFuture<DisconnectReason> {
        stats.opened(.events)
        let ended = admit(
            channel: channel, connection: connection, keepalive: options.keepalive, chunked: false, write: write
        ) {
            var cursor = EventCursor(store: self.store, filter: filter, options: options, stats: self.stats)
            let opening = cursor.opening(resumeFrom: resumeFrom)
            connection.progressed(eventSeq: cursor.seq)
            return ([opening], .events(cursor))
        }
        ended.whenComplete { [stats] _ in stats.closed(.events) }
        return ended
    }

    /// On the channel's loop: writes the stream's opening (made by `open`
    /// there), then puts a client for its feed first in the pipeline and
    /// among the loop's members. The future tells why the stream ended.
    private func admit(
        channel: any Channel, connection: StreamConnection, keepalive: Duration, chunked: Bool,
        write: @escaping @Sendable (ByteBuffer) -> Void,
        open: @escaping @Sendable () -> (frames: [(buffer: ByteBuffer, messages: Int)], feed: FanoutClient.Feed)
    ) -> EventLoopFuture<DisconnectReason> {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: DisconnectReason.self)
        loop.execute {
            // Gone before its loop got here: a closed pipeline would never tell the handler.
            guard channel.isActive else { promise.succeed(.clientClosed); return }
            // Closed by the registry before the client was in the pipeline to hear it.
            if let reason = connection.disconnectReason { promise.succeed(reason); return }
            let (frames, feed) = open()
            for frame in frames {
                write(frame.buffer)
                connection.writeFinished(messages: frame.messages, bytes: frame.buffer.readableBytes)
            }
            channel.flush()
            let clients = self.clients(on: loop)
            let client = FanoutClient(
                channel: channel, feed: feed, keepalive: keepalive, connection: connection, stats: self.stats,
                chunked: chunked, write: write, clients: clients, done: promise
            )
            do {
                try channel.pipeline.syncOperations.addHandler(client, position: .first)
                clients.add(client)
                if self.store.topologySignal.isClosed { client.finish(.serverShutdown) } else { clients.pump(client) }
            } catch {
                promise.succeed(.transportError)
            }
        }
        return promise.futureResult
    }

    /// Reads what history holds of the resume, then `open`s with it. While
    /// the read runs, a handler first in the pipeline stands in for the
    /// client: the client going or the registry closing it ends the stream
    /// at once and cancels the read.
    private func afterHistory(
        _ history: any HistoryQueries, resumeFrom: UInt64, filter: TopologyFilter, options: StreamOptions,
        channel: any Channel, connection: StreamConnection,
        open: @escaping @Sendable (RecordedBacklog?) -> EventLoopFuture<DisconnectReason>
    ) -> EventLoopFuture<DisconnectReason> {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: DisconnectReason.self)
        let store = store
        loop.execute {
            guard channel.isActive else { promise.succeed(.clientClosed); return }
            if let reason = connection.disconnectReason { promise.succeed(reason); return }
            let wait = HistoryWait(promise: promise)
            do {
                try channel.pipeline.syncOperations.addHandler(wait, position: .first)
            } catch {
                promise.succeed(.transportError)
                return
            }
            let waiting = NIOLoopBound(wait, eventLoop: loop)
            wait.read = Task {
                let recorded = await RecordedBacklog.read(
                    from: history, store: store, resumeFrom: resumeFrom, filter: filter, options: options)
                loop.execute {
                    // Ended while reading: the stream is over, nothing to open.
                    guard waiting.value.handOver() else { return }
                    open(recorded).cascade(to: promise)
                }
            }
        }
        return promise.futureResult
    }

    /// Clients being served, over all loops (for tests and diagnostics).
    package var clientCount: Int {
        let all = loops.withLock { Array($0.values) }
        return all.reduce(0) { $0 + $1.count.value.load(ordering: .relaxed) }
    }

    /// The loop's client list; called on `loop`.
    private func clients(on loop: any EventLoop) -> LoopClients {
        let key = ObjectIdentifier(loop)
        if let existing = loops.withLock({ $0[key] }) { return existing.clients.value }
        let created = LoopFanout(loop: loop, clients: LoopClients(stats: stats), window: window)
        return loops.withLock { all in
            if let existing = all[key] { return existing.clients.value }
            all[key] = created
            return created.clients.value
        }
    }

    private func wake(_ wake: ChangeSignal.Wake, events: Bool) {
        let all = loops.withLock { Array($0.values) }
        for loop in all { loop.schedule(wake, events: events) }
    }
}

/// One event loop's share of the fan-out.
final class LoopFanout: Sendable {
    let loop: any EventLoop
    let clients: NIOLoopBound<LoopClients>
    /// A pass is queued on the loop; changes until it starts ride along.
    private let scheduled = Atomic<Bool>(false)
    /// A pass for new events only is queued (a full pass covers them too).
    private let eventsScheduled = Atomic<Bool>(false)
    let count: ClientCount
    private let window: TimeAmount

    /// Must be called on `loop`.
    init(loop: any EventLoop, clients: LoopClients, window: TimeAmount) {
        self.loop = loop
        self.clients = NIOLoopBound(clients, eventLoop: loop)
        self.count = clients.count
        self.window = window
    }

    /// Queues a pass on the loop, unless one is queued: the change rides
    /// along with it. A pass sooner than `window` after the last one waits
    /// for the window's end. Below that rate this adds no delay; above it,
    /// each client gets what came in the window in one write, so the cost
    /// of a write (the syscall, TCP, the reader's wake-up) is paid once per
    /// window, not once per change.
    func schedule(_ wake: ChangeSignal.Wake, events: Bool) {
        if wake == .closed {
            loop.execute { self.clients.value.finishAll(.serverShutdown) }
            return
        }
        guard queue(events, true) else { return }
        loop.execute {
            guard let due = self.clients.value.lastPass.map({ $0 + self.window }), due > self.loop.now else {
                self.pass(events: events)
                return
            }
            self.loop.scheduleTask(deadline: due) { self.pass(events: events) }
        }
    }

    /// On the loop: runs the queued pass.
    private func pass(events: Bool) {
        _ = queue(events, false)
        let clients = clients.value
        clients.lastPass = loop.now
        clients.pass(eventsOnly: events)
    }

    /// Sets the queued flag for the kind of pass; true when it changed.
    private func queue(_ events: Bool, _ queued: Bool) -> Bool {
        if events {
            return eventsScheduled.compareExchange(expected: !queued, desired: queued, ordering: .acquiringAndReleasing)
                .exchanged
        }
        return scheduled.compareExchange(expected: !queued, desired: queued, ordering: .acquiringAndReleasing).exchanged
    }
}

/// Stands in for a client while its resume is read from history
/// (`TopologyFanout.afterHistory`): it hears what `FanoutClient` would.
final class HistoryWait: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<DisconnectReason>
    private var context: ChannelHandlerContext?
    /// The read; cancelled when the stream ends first.
    var read: Task<Void, Never>?
    private var over = false

    init(promise: EventLoopPromise<DisconnectReason>) { self.promise = promise }

    /// The read finished with the stream still wanted: leaves the pipeline
    /// so the client can take its place; false when the stream already ended.
    func handOver() -> Bool {
        guard !over else { return false }
        over = true
        if let context { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
        return true
    }

    private func end(_ reason: DisconnectReason) {
        guard !over else { return }
        over = true
        read?.cancel()
        promise.succeed(reason)
        context?.leavePipelineLater()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        end(.transportError)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        FanoutEnd.hear(event, context: context) { end($0) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(.clientClosed)
        context.fireChannelInactive()
    }
}
