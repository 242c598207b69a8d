import GestaltEngine
import GestaltModel
import GestaltStreaming
import HummingbirdWebSocket
import NIOCore

/// The one task that writes to a WebSocket: answers requests, sends
/// broadcasts and heartbeats, and pulls updates from the store through the
/// session's subscriptions (`SessionSubscriptions`).
struct SessionWriter {
    let history: (any HistoryQueries)?
    let options: WebSocketOptions
    let stats: StreamStats
    let inbox: SessionInbox
    let connection: StreamConnection
    let outbound: WebSocketOutboundWriter
    /// The connection's event loop: a batch is done only when the loop has
    /// taken its frames (see `write`).
    let eventLoop: any EventLoop

    private var subscriptions: SessionSubscriptions
    private var pings: PingSchedule

    init(
        store: TopologyStore, history: (any HistoryQueries)?, stream: StreamOptions, options: WebSocketOptions,
        stats: StreamStats,
        inbox: SessionInbox, connection: StreamConnection, outbound: WebSocketOutboundWriter, eventLoop: any EventLoop,
        restriction: AccessRestriction = .none
    ) {
        self.history = history
        self.options = options
        self.stats = stats
        self.inbox = inbox
        self.connection = connection
        self.outbound = outbound
        self.eventLoop = eventLoop
        self.subscriptions = SessionSubscriptions(store: store, stream: stream, stats: stats, connection: connection)
        self.subscriptions.restriction = restriction
        self.pings = PingSchedule(missedPingsAllowed: options.missedPingsAllowed)
    }

    /// Runs until the session closes; returns why.
    mutating func run() async -> DisconnectReason {
        while true {
            if let reason = await inbox.wait() { return reason }
            let taken = inbox.take()
            var batch = OutgoingBatch()
            for request in taken.requests {
                let recorded = await subscriptions.recordedBacklog(for: request, history: history)
                subscriptions.handle(request, recorded: recorded, into: &batch)
            }
            for message in taken.broadcasts { batch.add(message) }
            var controlPing: UInt64?
            if taken.pingDue {
                guard pings.ping(signsOfLife: taken.inboundCount, into: &batch) else { return .heartbeatTimeout }
                controlPing = pings.seq
            } else {
                pings.heard(signsOfLife: taken.inboundCount)
            }
            let behind = subscriptions.pullUpdates(into: &batch)
            do {
                // The control ping goes first: the client's WebSocket library
                // answers it with a pong (counted by `InboundActivity`), so a
                // client that never sends a message of its own stays alive.
                if let controlPing {
                    try await outbound.write(
                        .custom(.init(fin: true, opcode: .ping, data: ByteBuffer(string: String(controlPing)))))
                }
                try await write(batch)
            } catch {
                return inbox.closedReason ?? (Task.isCancelled ? .clientClosed : .transportError)
            }
            // Still behind after one batch: go round again at once, so
            // requests and pings interleave with a long catch-up.
            if behind { inbox.ring() }
        }
    }

    /// Writes every frame of the batch back to back. swift-websocket flushes
    /// each frame it is given; when the socket is backed up, NIO gathers the
    /// pending frames into one vectored write.
    private func write(_ batch: OutgoingBatch) async throws {
        guard !batch.isEmpty else { return }
        connection.writeStarted(bytes: batch.bytes)
        let fragment = options.outboundFragmentBytes
        for range in batch.frames {
            var message = batch.slice(range)
            if message.readableBytes <= fragment {
                try await outbound.write(.custom(.init(fin: true, opcode: .text, data: message)))
                continue
            }
            var first = true
            while message.readableBytes > fragment {
                let part = message.readSlice(length: fragment)!
                try await outbound.write(.custom(.init(fin: false, opcode: first ? .text : .continuation, data: part)))
                first = false
            }
            try await outbound.write(.custom(.init(fin: true, opcode: .continuation, data: message)))
        }
        // The outbound writer only suspends once the channel reports itself
        // unwritable, and it learns that on the event loop. A busy loop can be
        // handed many batches before it gets there, each kept alive by its
        // queued frames: wait for the loop to take this batch first, so one
        // client never has more than a batch queued on the server.
        try await eventLoop.submit {}.get()
        connection.writeFinished(messages: batch.count, bytes: batch.bytes)
        stats.sent(messages: batch.count, bytes: batch.bytes)
    }
}
