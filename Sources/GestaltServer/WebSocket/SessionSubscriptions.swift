import GestaltEngine
import GestaltModel
import GestaltStreaming

/// What one WebSocket session is subscribed to, and the messages its
/// requests and the store's changes produce. It keeps no queue of updates:
/// per-channel cursors pull from the store's shared log, so a client that
/// cannot keep up gets coalesced batches or a fresh `full` (`TopologyCursor`).
/// The state of `DirectWebSocketSession`, with no I/O of its own.
struct SessionSubscriptions {
    let store: TopologyStore
    let stream: StreamOptions
    let stats: StreamStats
    let connection: StreamConnection
    /// The token's limits: every subscription's filters are narrowed to them.
    var restriction = AccessRestriction.none

    private var topology: TopologyCursor?
    private var events: (filter: EventFilter, seq: UInt64)?
    private var jobs = false

    init(store: TopologyStore, stream: StreamOptions, stats: StreamStats, connection: StreamConnection) {
        self.store = store
        self.stream = stream
        self.stats = stats
        self.connection = connection
    }

    var channels: Set<StreamChannel> {
        var channels = Set<StreamChannel>()
        if topology != nil { channels.insert(.topology) }
        if events != nil { channels.insert(.events) }
        if jobs { channels.insert(.jobs) }
        return channels
    }

    /// Whether the store has something this session has not been sent.
    var isBehind: Bool {
        // `?.`, not `if let`: that would copy the cursor and the filters.
        if let revision = topology?.revision, store.revision > revision { return true }
        if let seq = events?.seq, store.eventSeq > seq { return true }
        return false
    }

    /// `recorded` is what history holds of a topology resume older than the
    /// store's log (`needsHistory`), read by the caller, which may wait.
    mutating func handle(
        _ request: SessionInbox.Request, recorded: RecordedBacklog? = nil, into batch: inout OutgoingBatch
    ) {
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
            batch.add(
                .subscribed,
                payload: ServerPayloads.subscribed(
                    channels: self.channels, topology: nil, events: nil, replyTo: replyTo))
        case .subscribe(let subscription, let replyTo):
            subscribe(subscription, recorded: recorded, replyTo: replyTo, into: &batch)
        }
    }

    /// A subscribe replaces the named channels' subscriptions (a new filter
    /// means a new `full`); channels it does not name are kept.
    private mutating func subscribe(
        _ request: SubscribeRequest, recorded: RecordedBacklog?, replyTo: String?, into batch: inout OutgoingBatch
    ) {
        var opening: TopologyCursor.Opening?
        var eventsOpening: (seq: UInt64, resumed: Bool, missed: [LoggedEvent])?
        if request.channels.contains(.topology) {
            let filter = request.topologyFilter.restricted(to: restriction)
            var cursor = TopologyCursor(
                store: store, filter: filter, delta: request.delta, options: stream, stats: stats)
            opening = cursor.start(resumeFrom: request.resumeFrom, recorded: recorded)
            topology = cursor
        }
        if request.channels.contains(.events) {
            if let from = request.resumeEventsFrom, let missed = store.events(after: from) {
                eventsOpening = (missed.last?.event.seq ?? from, true, missed)
            } else {
                eventsOpening = (store.eventSeq, false, [])
            }
            events = (request.eventFilter.restricted(to: restriction), eventsOpening!.seq)
        }
        // Job messages carry whole results (a rescan's frame) that no filter
        // narrows, so a restricted token does not get that channel.
        if request.channels.contains(.jobs), restriction.isNone { jobs = true }
        connection.update(channels: channels)
        batch.add(
            .subscribed,
            payload: ServerPayloads.subscribed(
                channels: channels, topology: opening.map { ($0.revision, $0.resumed) },
                events: eventsOpening.map { ($0.seq, $0.resumed) }, replyTo: replyTo
            ))
        if let opening {
            for message in opening.messages { batch.add(.topology, payload: message.json, id: message.id) }
            connection.progressed(revision: opening.revision)
        }
        if let eventsOpening { addEvents(eventsOpening.missed, into: &batch) }
    }

    /// The topology resume of `request` that only history can serve exactly.
    func needsHistory(_ request: SessionInbox.Request) -> Bool {
        guard case .subscribe(let subscription, _) = request, subscription.channels.contains(.topology),
            let from = subscription.resumeFrom
        else { return false }
        return store.backlog(after: from) == nil
    }

    /// Reads what history holds for `request`'s topology resume, if it needs it.
    func recordedBacklog(for request: SessionInbox.Request, history: (any HistoryQueries)?) async -> RecordedBacklog? {
        guard needsHistory(request), case .subscribe(let subscription, _) = request else { return nil }
        return await RecordedBacklog.read(
            from: history, store: store, resumeFrom: subscription.resumeFrom,
            // The token's restriction too: history must not serve what the cursor would not.
            filter: subscription.topologyFilter.restricted(to: restriction),
            options: stream
        )
    }

    /// Adds what the cursors find; true when more is waiting.
    mutating func pullUpdates(into batch: inout OutgoingBatch) -> Bool {
        pullTopology { cursor in
            for message in cursor.next() { batch.add(.topology, payload: message.json, id: message.id) }
        }
        pullEvents(into: &batch)
        return isBehind
    }

    /// Lets `advance` move the topology cursor on (and frame what it reads)
    /// when the store has more than the session has been sent.
    mutating func pullTopology(_ advance: (inout TopologyCursor) -> Void) {
        // In place: a copy of the cursor taken out and put back costs a
        // retain and a release of everything it holds, every session, every pass.
        guard let revision = topology?.revision, store.revision > revision else { return }
        advance(&topology!)
        connection.progressed(revision: topology!.revision)
    }

    /// Adds the events the session has not been sent.
    mutating func pullEvents(into batch: inout OutgoingBatch) {
        if let seq = events?.seq, store.eventSeq > seq {
            if let logged = store.events(after: seq, limit: stream.batchLimit) {
                addEvents(logged, into: &batch)
            } else {
                // Fell out of the retained window: continue from now, as SSE does.
                events?.seq = store.eventSeq
            }
            connection.progressed(eventSeq: events!.seq)
        }
    }

    private mutating func addEvents(_ logged: [LoggedEvent], into batch: inout OutgoingBatch) {
        for entry in logged {
            events?.seq = entry.event.seq
            if events?.filter.matches(entry.event) == true {
                batch.add(.event, payload: entry.json, id: entry.event.seq)
            }
        }
    }
}
