import GestaltEngine
import GestaltModel
import GestaltStreaming
import HummingbirdWebSocket
import NIOCore

/// The one task that writes to a WebSocket: answers requests, sends
/// broadcasts and heartbeats, and pulls updates from the store through
/// per-channel cursors. It keeps no queue of updates; a client that cannot
/// keep up falls behind in the shared log and gets coalesced batches or a
/// fresh `full` (see `TopologyCursor`).
struct SessionWriter {
    let store: TopologyStore
    let stream: StreamOptions
    let options: WebSocketOptions
    let stats: StreamStats
    let inbox: SessionInbox
    let connection: StreamConnection
    let outbound: WebSocketOutboundWriter
    /// The connection's event loop: a batch is done only when the loop has
    /// taken its frames (see `write`).
    let eventLoop: any EventLoop

    private var topology: TopologyCursor?
    private var events: (filter: EventFilter, seq: UInt64)?
    private var jobs = false
    private var missedPings = 0
    private var pingSeq: UInt64 = 0
    /// The inbound count when the last ping went out; nil when none is outstanding.
    private var inboundAtPing: UInt64?

    init(store: TopologyStore, stream: StreamOptions, options: WebSocketOptions, stats: StreamStats,
         inbox: SessionInbox, connection: StreamConnection, outbound: WebSocketOutboundWriter, eventLoop: any EventLoop) {
        self.store = store
        self.stream = stream
        self.options = options
        self.stats = stats
        self.inbox = inbox
        self.connection = connection
        self.outbound = outbound
        self.eventLoop = eventLoop
    }

    var channels: Set<StreamChannel> {
        var channels = Set<StreamChannel>()
        if topology != nil { channels.insert(.topology) }
        if events != nil { channels.insert(.events) }
        if jobs { channels.insert(.jobs) }
        return channels
    }

    /// Runs until the session closes; returns why.
    mutating func run() async -> DisconnectReason {
        while true {
            if let reason = await inbox.wait() { return reason }
            let taken = inbox.take()
            var batch = OutgoingBatch()
            for request in taken.requests { handle(request, into: &batch) }
            for message in taken.broadcasts { batch.add(message) }
            if taken.pingDue {
                if let inboundAtPing, taken.inboundCount == inboundAtPing { missedPings += 1 } else { missedPings = 0 }
                if missedPings >= options.missedPingsAllowed { return .heartbeatTimeout }
                pingSeq += 1
                inboundAtPing = taken.inboundCount
                batch.add(.ping, payload: ServerPayloads.ping(seq: pingSeq))
            } else if let inboundAtPing, taken.inboundCount != inboundAtPing {
                self.inboundAtPing = nil
                missedPings = 0
            }
            let behind = pullUpdates(into: &batch)
            do {
                try await write(batch)
            } catch {
                return inbox.closedReason ?? (Task.isCancelled ? .clientClosed : .transportError)
            }
            // Still behind after one batch: go round again at once, so
            // requests and pings interleave with a long catch-up.
            if behind { inbox.ring() }
        }
    }

    private mutating func handle(_ request: SessionInbox.Request, into batch: inout OutgoingBatch) {
        switch request {
        case .pong(let replyTo):
            batch.add(.pong, payload: ServerPayloads.pong(replyTo: replyTo))
        case .error(let error, let replyTo):
            batch.add(.error, payload: ServerPayloads.error(error, replyTo: replyTo))
        case .unsubscribe(let channels, let replyTo):
            if channels.contains(.topology) { topology = nil }
            if channels.contains(.events) { events = nil }
            if channels.contains(.jobs) { jobs = false }
            connection.update(channels: self.channels)
            batch.add(.subscribed, payload: ServerPayloads.subscribed(channels: self.channels, topology: nil, events: nil, replyTo: replyTo))
        case .subscribe(let subscription, let replyTo):
            subscribe(subscription, replyTo: replyTo, into: &batch)
        }
    }

    /// A subscribe replaces the named channels' subscriptions (a new filter
    /// means a new `full`); channels it does not name are kept.
    private mutating func subscribe(_ request: SubscribeRequest, replyTo: String?, into batch: inout OutgoingBatch) {
        var opening: TopologyCursor.Opening?
        var eventsOpening: (seq: UInt64, resumed: Bool, missed: [LoggedEvent])?
        if request.channels.contains(.topology) {
            var cursor = TopologyCursor(store: store, filter: request.topologyFilter, options: stream, stats: stats)
            opening = cursor.start(resumeFrom: request.resumeFrom)
            topology = cursor
        }
        if request.channels.contains(.events) {
            if let from = request.resumeEventsFrom, let missed = store.events(after: from) {
                eventsOpening = (missed.last?.event.seq ?? from, true, missed)
            } else {
                eventsOpening = (store.eventSeq, false, [])
            }
            events = (request.eventFilter, eventsOpening!.seq)
        }
        if request.channels.contains(.jobs) { jobs = true }
        connection.update(channels: channels)
        batch.add(.subscribed, payload: ServerPayloads.subscribed(
            channels: channels, topology: opening.map { ($0.revision, $0.resumed) },
            events: eventsOpening.map { ($0.seq, $0.resumed) }, replyTo: replyTo
        ))
        if let opening {
            for message in opening.messages { batch.add(.topology, payload: message.json, id: message.id) }
            connection.progressed(revision: opening.revision)
        }
        if let eventsOpening { addEvents(eventsOpening.missed, into: &batch) }
    }

    /// Adds what the cursors find; true when more is waiting.
    private mutating func pullUpdates(into batch: inout OutgoingBatch) -> Bool {
        var behind = false
        if var cursor = topology, store.revision > cursor.revision {
            for message in cursor.next() { batch.add(.topology, payload: message.json, id: message.id) }
            topology = cursor
            connection.progressed(revision: cursor.revision)
            behind = store.revision > cursor.revision
        }
        if let current = events, store.eventSeq > current.seq {
            if let logged = store.events(after: current.seq, limit: stream.batchLimit) {
                addEvents(logged, into: &batch)
            } else {
                // Fell out of the retained window: continue from now, as SSE does.
                events?.seq = store.eventSeq
            }
            connection.progressed(eventSeq: events!.seq)
            behind = behind || store.eventSeq > events!.seq
        }
        return behind
    }

    private mutating func addEvents(_ logged: [LoggedEvent], into batch: inout OutgoingBatch) {
        for entry in logged {
            events?.seq = entry.event.seq
            if events?.filter.matches(entry.event) == true { batch.add(.event, payload: entry.json, id: entry.event.seq) }
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
