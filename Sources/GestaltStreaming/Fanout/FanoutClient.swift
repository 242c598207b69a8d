import GestaltEngine
import NIOCore

/// Ends a fan-out client's stream: fire it into the client's channel
/// pipeline, from any thread (the registry's disconnect does).
package struct FanoutEnd: Sendable {
    package let reason: DisconnectReason
    package init(_ reason: DisconnectReason) { self.reason = reason }

    /// How the first handler of a stream's pipeline (the client, or the
    /// history wait standing in for it) hears that the stream ends: a
    /// `FanoutEnd` (taken), the client's half-close or the server's quiesce
    /// (passed on). A stream has no natural end to wait for at shutdown.
    static func hear(_ event: Any, context: ChannelHandlerContext, end: (DisconnectReason) -> Void) {
        if let fanoutEnd = event as? FanoutEnd {
            end(fanoutEnd.reason)
            return
        }
        if case .inputClosed = event as? ChannelEvent { end(.clientClosed) }
        if event is ChannelShouldQuiesceEvent { end(.serverShutdown) }
        context.fireUserInboundEventTriggered(event)
    }
}

/// One SSE client of the fan-out, of the topology or of the events. It sits
/// first in its channel's pipeline, so it hears when the socket drains, when
/// the client half-closes, and when the channel goes, without a task of its own.
final class FanoutClient: ChannelInboundHandler, RemovableChannelHandler, FanoutMember {
    typealias InboundIn = NIOAny

    /// What the client follows.
    enum Feed {
        case topology(TopologyCursor)
        case events(EventCursor)
    }

    private let channel: any Channel
    /// One of the two is set (`Feed`); apart, so each is mutated in place
    /// (a cursor taken out of an enum and put back is copied on write).
    private var topology: TopologyCursor?
    private var events: EventCursor?
    private let keepalive: Duration
    private let connection: StreamConnection
    private let stats: StreamStats
    /// Deltas go out as shared, pre-framed HTTP chunks through this handler's
    /// context, past the HTTP encoder (`TopologyFanout.start`).
    private let chunked: Bool
    private let write: @Sendable (ByteBuffer) -> Void
    /// Strong on purpose: a channel can outlive the fan-out that served it
    /// (a server stopped under open streams), and its close still removes
    /// the client here. `finish` breaks the cycle, and every channel finishes.
    private let clients: LoopClients
    private let done: EventLoopPromise<DisconnectReason>
    private var context: ChannelHandlerContext?
    /// Writes the pre-framed chunks straight to the socket (`SocketWriter`).
    private var writer: SocketWriter?
    private var lastWrite = ContinuousClock.now
    /// The socket was full at the last pass: the registry times how long.
    private var blocked = false
    private var finished = false
    var fanoutIndex: Int?

    init(
        channel: any Channel, feed: Feed, keepalive: Duration, connection: StreamConnection, stats: StreamStats,
        chunked: Bool, write: @escaping @Sendable (ByteBuffer) -> Void, clients: LoopClients,
        done: EventLoopPromise<DisconnectReason>
    ) {
        self.channel = channel
        switch feed {
        case .topology(let cursor): topology = cursor
        case .events(let cursor): events = cursor
        }
        self.keepalive = keepalive
        self.connection = connection
        self.stats = stats
        self.chunked = chunked
        self.write = write
        self.clients = clients
        self.done = done
    }

    /// Writes whatever the client has not seen, or a keepalive when idle, in
    /// one write: a client that is up to date gets the pass's shared batch as
    /// it is; only one that is behind has its batches joined into one buffer.
    func fanoutPass(_ pass: inout FanoutPass) {
        let now = pass.now
        guard !finished else { return }
        guard channel.isWritable else {
            if !blocked { blocked = true; connection.writeStarted(bytes: 0) }
            return
        }
        if blocked { blocked = false; connection.writeFinished(messages: 0, bytes: 0) }
        var out: ByteBuffer?
        var messages = 0, batches = 0
        // Joined batches go past the socket's writability check in one write,
        // so their bytes are bounded too: a resync `full` ends the turn.
        while batches < Self.batchesPerTurn, (out?.readableBytes ?? 0) < Self.joinedBytesPerTurn,
            let batch = nextBatch(&pass)
        {
            if out == nil {
                out = batch.buffer
            } else {
                var more = batch.buffer
                out!.writeBuffer(&more)
            }
            messages += batch.messages
            batches += 1
        }
        if let out {
            send(out)
            // `topology?.revision`, not `if let`: that would copy the cursor.
            if let revision = topology?.revision {
                connection.delivered(revision: revision, messages: messages, bytes: out.readableBytes)
            } else if let events {
                connection.progressed(eventSeq: events.seq)
                connection.writeFinished(messages: messages, bytes: out.readableBytes)
            }
            lastWrite = now
            // Still behind with room in the socket: take another turn after
            // the other work queued on this loop, instead of hogging it.
            let turnFull = batches == Self.batchesPerTurn || out.readableBytes >= Self.joinedBytesPerTurn
            if turnFull, channel.isWritable {
                channel.eventLoop.assumeIsolated().execute { self.clients.pump(self) }
            }
        } else if now - lastWrite >= keepalive {
            send(chunked ? Self.keepaliveChunk : Self.keepalive)
            lastWrite = now
        }
    }

    /// The feed's next batch; nil when the client is up to date. Topology
    /// batches are shared in the pass, and tallied there.
    private func nextBatch(_ pass: inout FanoutPass) -> (buffer: ByteBuffer, messages: Int)? {
        if topology != nil {
            guard let batch = pass.sseBatch(for: &topology!, stats: stats, chunked: chunked) else { return nil }
            pass.delivered.add(messages: batch.messages, bytes: batch.buffer.readableBytes, oldest: batch.oldest)
            return (batch.buffer, batch.messages)
        }
        return events?.next()
    }

    var fanoutWantsEvents: Bool { events != nil }

    /// One write and flush: pre-framed bytes straight to the socket (this
    /// handler sits first, so no other handler has a say in them), or a body
    /// part through `write`.
    private func send(_ buffer: ByteBuffer) {
        if chunked {
            // No context once the handler left: the stream has finished.
            guard let context, let writer else { return }
            writer.writeAndFlush(buffer, context: context)
        } else {
            write(buffer)
            channel.flush()
        }
    }

    /// Batches one client writes before others get a turn on its loop.
    private static let batchesPerTurn = 8
    /// Most bytes joined into one turn's write before the turn ends.
    static let joinedBytesPerTurn = 256 << 10

    func fanoutFinish(_ reason: DisconnectReason) { finish(reason) }

    /// Stops streaming; the response then ends normally.
    func finish(_ reason: DisconnectReason) {
        guard !finished else { return }
        finished = true
        clients.remove(self)
        done.succeed(reason)
        context?.leavePipelineLater()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if chunked { writer = SocketWriter(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        writer = nil
        finish(.transportError)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { clients.pump(self) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        FanoutEnd.hear(event, context: context) { finish($0) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.clientClosed)
        context.fireChannelInactive()
    }

    private static let keepalive: ByteBuffer = {
        var buffer = ByteBuffer()
        SSEFrame.keepalive(into: &buffer)
        return buffer
    }()

    private static let keepaliveChunk = SSEFrame.chunk(keepalive)
}

extension ChannelHandlerContext {
    /// Removes this context's handler on a later tick: the caller may be
    /// inside an event the handler must still pass on to the others.
    func leavePipelineLater() {
        eventLoop.assumeIsolated().execute {
            self.pipeline.syncOperations.removeHandler(context: self, promise: nil)
        }
    }
}
