import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOWebSocket

/// A `/api/infra/ws` session served from its channel's event loop, with no
/// task: requests are answered as their frames arrive, and the fan-out's
/// passes (`FanoutMember`) send updates, broadcasts and pings. The protocol's
/// state lives in I/O-free parts (`SessionSubscriptions`, `PingSchedule`,
/// `InvalidMessageBudget`, `MessageInflater`); this handler moves frames.
/// It is the only WebSocket session of the server, with or without
/// permessage-deflate (`DeflateAgreement`): the realtime protocol's, and
/// Constellation's `/ws` (`ConstellationFeed` in place of the subscriptions).
///
/// It frames what it sends itself (`WebSocketWire`), so a pass writes one
/// buffer per session, and unfiltered sessions at the same revision share the
/// framed topology batch (`FanoutPass.webSocketBatch`); there is no frame
/// encoder in its pipeline.
///
/// Backpressure: a pass skips the session while its socket is full, and the
/// session stops reading while it cannot write, so a client that sends
/// without reading stalls itself instead of queueing answers on the server.
final class DirectWebSocketSession: ChannelDuplexHandler, FanoutMember {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every session of a server shares: one instance, so a session
    /// holds a reference instead of its own copy (about 230 bytes of an idle
    /// WebSocket client; heaptrack, docs/BENCHMARKS.md).
    final class Services: Sendable {
        let store: TopologyStore
        let registry: StreamRegistry
        let fanout: TopologyFanout
        let heartbeat: WebSocketHeartbeat
        let stream: StreamOptions
        let options: WebSocketOptions
        /// Serves topology resumes older than the store's log.
        let history: (any HistoryQueries)?
        /// Compress for the sessions that negotiated permessage-deflate.
        let deflaters = LoopDeflaters()

        init(
            store: TopologyStore, registry: StreamRegistry, fanout: TopologyFanout, heartbeat: WebSocketHeartbeat,
            stream: StreamOptions, options: WebSocketOptions, history: (any HistoryQueries)? = nil
        ) {
            self.store = store
            self.registry = registry
            self.fanout = fanout
            self.heartbeat = heartbeat
            self.stream = stream
            self.options = options
            self.history = history
        }
    }

    private let services: Services
    private let sessionID: String?
    /// permessage-deflate, when the handshake agreed to it.
    private let deflate: DeflateAgreement?
    /// The token's limits (none when auth is off).
    private let restriction: AccessRestriction
    private var inflater: MessageInflater?
    private var deflater: MessageDeflater?
    private var options: WebSocketOptions { services.options }
    private var context: ChannelHandlerContext?
    /// Every write of the session goes through it: straight to the socket
    /// while NIO holds none of the session's bytes (`SocketWriter`).
    private var writer: SocketWriter?
    private var connection: StreamConnection?
    private var subscriptions: SessionSubscriptions?
    /// Set for Constellation's `/ws`: its messages instead of the realtime protocol's.
    private let constellationTagging: ConstellationMessage.Tagging?
    private var constellation: ConstellationFeed?
    private var pings: PingSchedule
    private var budget: InvalidMessageBudget
    private var heartbeatToken: UInt64?
    /// Frames received (control pongs included) plus times the socket drained: a peer that reads what
    /// it is sent is alive even while its pongs wait behind a full socket,
    /// whose reads are held (see `read`).
    private var signsOfLife: UInt64 = 0
    private var pingDue = false
    private var broadcasts: [BroadcastMessage] = []
    /// A fragmented message being put together: its first opcode and bytes
    /// so far (inflated, when its first frame said it is compressed).
    private var assembling: (opcode: WebSocketOpcode, bytes: ByteBuffer, compressed: Bool)?
    /// Why the session is ending; set once, when the ending starts.
    private var ending: DisconnectReason?
    private var blocked = false
    /// Bytes of the answers written since the socket last took everything,
    /// before compression: a deflate session's queue holds far fewer bytes
    /// than it answered, and each answer (a `full` per subscribe) costs the
    /// loop its encoding and deflate, so the bound counts what was answered.
    private var unreadAnswerBytes = 0
    private var readHeld = false
    /// A subscribe waits on history (`answer`); later requests queue behind it.
    private var awaitingHistory = false
    private var deferred: [SessionInbox.Request] = []
    static let maxDeferredRequests = 256
    var fanoutIndex: Int?
    private(set) var fanoutWantsEvents = false

    init(
        services: Services, sessionID: String?, deflate: DeflateAgreement? = nil,
        restriction: AccessRestriction = .none, constellation: ConstellationMessage.Tagging? = nil
    ) {
        self.services = services
        self.constellationTagging = constellation
        self.sessionID = sessionID
        self.deflate = deflate
        self.restriction = restriction
        self.pings = PingSchedule(missedPingsAllowed: services.options.missedPingsAllowed)
        self.budget = InvalidMessageBudget(
            limit: services.options.invalidMessageLimit, window: services.options.invalidMessageWindow)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        writer = SocketWriter(context: context)
        let loop = context.eventLoop
        if let deflate {
            inflater = MessageInflater(agreement: deflate)
            deflater = services.deflaters.deflater(on: loop)
        }
        let me = NIOLoopBound(self, eventLoop: loop)
        let connection = services.registry.register(
            transport: .websocket, channels: constellationTagging == nil ? [] : [.topology], sessionID: sessionID,
            closer: { reason in loop.execute { me.value.end(reason) } },
            // Broadcasts (churn notices, alerts, job messages) name entities
            // and namespaces that no filter narrows: a restricted token gets none.
            deliver: { [restricted = !self.restriction.isNone] message in
                if !restricted { loop.execute { me.value.deliver(message) } }
            }
        )
        self.connection = connection
        heartbeatToken = services.heartbeat.join(LoopPing(session: me))
        if let constellationTagging {
            // Constellation's client is sent its `FullState` at once, unasked.
            var feed = ConstellationFeed(
                store: services.store, tagging: constellationTagging, options: services.stream,
                stats: services.registry.stats)
            var batch = OutgoingBatch()
            batch.add(raw: feed.fullState())
            connection.progressed(revision: feed.revision)
            constellation = feed
            send(batch, context: context)
        } else {
            subscriptions = SessionSubscriptions(
                store: services.store, stream: services.stream, stats: services.registry.stats, connection: connection)
            subscriptions?.restriction = restriction
        }
        services.fanout.join(self, on: loop)
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave(context)
        context.fireChannelInactive()
    }

    /// A channel that closed while the handlers were being added never says
    /// `channelInactive` to them; removal still comes.
    func handlerRemoved(context: ChannelHandlerContext) { leave(context) }

    private func leave(_ context: ChannelHandlerContext) {
        guard let connection else { return }
        services.fanout.leave(self, on: context.eventLoop)
        if let heartbeatToken { services.heartbeat.leave(heartbeatToken) }
        heartbeatToken = nil
        connection.deregister(ending ?? connection.disconnectReason ?? .clientClosed)
        self.connection = nil
        self.context = nil
        writer = nil
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard ending == nil || frame.opcode == .connectionClose else { return }
        signsOfLife += 1
        guard frame.maskKey != nil else {
            return fail(.protocolError, "client frames must be masked", .policyViolation)
        }
        // RSV1 marks a compressed message, on its first frame only (RFC 7692 §6);
        // no other reserved bit has a meaning (RFC 6455 §5.2).
        let compressed = frame.rsv1 && inflater != nil && (frame.opcode == .text || frame.opcode == .binary)
        guard !frame.rsv1 || compressed, !frame.rsv2, !frame.rsv3 else {
            return fail(.protocolError, "reserved bits set", .policyViolation)
        }
        switch frame.opcode {
        case .connectionClose:
            // The client's answer to our close, or its own close: either way we are done.
            if ending == nil {
                ending = .clientClosed
                sendClose(Self.closeReply(to: frame.unmaskedData), reason: nil)
            }
            context.close(promise: nil)
        case .ping:
            writeFrame(.pong, payload: frame.unmaskedData, context: context)
            writer?.flush(context: context)
        case .pong:
            break
        case .text, .binary:
            guard assembling == nil else {
                return fail(.protocolError, "a new message began inside a fragmented one", .policyViolation)
            }
            if compressed {
                assembling = (frame.opcode, context.channel.allocator.buffer(capacity: 0), true)
                guard inflate(frame) else { return }
            } else {
                assembling = (frame.opcode, frame.unmaskedData, false)
            }
            finishFrame(fin: frame.fin)
        case .continuation:
            guard assembling != nil else {
                return fail(.protocolError, "continuation frame without a message", .policyViolation)
            }
            if assembling!.compressed {
                guard inflate(frame) else { return }
            } else {
                var data = frame.unmaskedData
                assembling!.bytes.writeBuffer(&data)
            }
            finishFrame(fin: frame.fin)
        default:
            fail(.protocolError, "unknown opcode", .policyViolation)
        }
    }

    /// Inflates a frame of the compressed message being assembled; false
    /// when that ended the session.
    private func inflate(_ frame: WebSocketFrame) -> Bool {
        guard let inflater, var bytes = assembling?.bytes else { return false }
        assembling!.bytes = ByteBuffer()  // so `bytes` is not copied on write
        do {
            try inflater.inflate(frame.unmaskedData, fin: frame.fin, onto: &bytes, limit: options.maxMessageBytes)
        } catch InflateFailure.tooBig {
            fail(.messageTooLarge, "message over \(options.maxMessageBytes) bytes", .messageTooBig)
            return false
        } catch {
            fail(.protocolError, "compressed message does not inflate", .policyViolation)
            return false
        }
        assembling!.bytes = bytes
        return true
    }

    private func finishFrame(fin: Bool) {
        guard let message = assembling else { return }
        guard message.bytes.readableBytes <= options.maxMessageBytes else {
            return fail(.messageTooLarge, "message over \(options.maxMessageBytes) bytes", .messageTooBig)
        }
        guard fin else { return }
        assembling = nil
        // Constellation's protocol is text only: anything else is not for it.
        if constellation != nil, message.opcode == .binary { return }
        let request: SessionInbox.Request
        if message.opcode == .binary {
            request = .binaryNotSupported
        } else {
            guard let text = String(validating: message.bytes.readableBytesView, as: UTF8.self) else {
                return fail(.dataInconsistentWithMessage, "text message is not valid UTF-8", .policyViolation)
            }
            if let constellation {
                // `Ping` is answered; Constellation's client sends nothing else we act on.
                guard let pong = constellation.answer(text), let context, !answersPileUp(context) else { return }
                var batch = OutgoingBatch()
                batch.add(raw: pong)
                return send(batch, context: context)
            }
            guard let answer = SessionInbox.Request(text: text) else { return }
            request = answer
        }
        if request.isError, budget.spend() {
            return fail(.policyViolation, "too many invalid messages", .policyViolation)
        }
        guard let context, subscriptions != nil, !answersPileUp(context) else { return }
        answer(request, context: context)
    }

    /// Reads are held while the socket is full, but one read can bring many
    /// requests: answers piling up unread are bounded. True (and the
    /// session failed) past the bound.
    private func answersPileUp(_ context: ChannelHandlerContext) -> Bool {
        guard !context.channel.isWritable,
            let queued = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            max(queued, unreadAnswerBytes) > Self.maxQueuedAnswerBytes
        else { return false }
        fail(.policyViolation, "too many requests while not reading the answers", .policyViolation)
        return true
    }

    /// Answers a request, in the order they came. A topology resume older
    /// than the store's log first reads history off the loop; requests that
    /// arrive meanwhile wait behind it.
    private func answer(
        _ request: SessionInbox.Request, recorded: RecordedBacklog? = nil, askedHistory: Bool = false,
        context: ChannelHandlerContext
    ) {
        guard var subscriptions else { return }
        // A ping is answered at once, even behind a history read: its pong
        // says the server is alive, not where the stream stands.
        if awaitingHistory && !askedHistory && !request.isPing {
            // Requests waiting on a history read are answers not yet queued:
            // bounded like the unread answers above, or a client could pile
            // up subscribes (and their fulls) during one slow read.
            guard deferred.count < Self.maxDeferredRequests else {
                return fail(.policyViolation, "too many requests while history is read", .policyViolation)
            }
            deferred.append(request)
            return
        }
        if !askedHistory, services.history != nil, subscriptions.needsHistory(request) {
            awaitingHistory = true
            let loop = context.eventLoop, me = NIOLoopBound(self, eventLoop: loop), history = services.history,
                reader = subscriptions
            Task {
                let recorded = await reader.recordedBacklog(for: request, history: history)
                loop.execute { me.value.historyRead(request, recorded) }
            }
            return
        }
        var batch = OutgoingBatch()
        subscriptions.handle(request, recorded: recorded, into: &batch)
        self.subscriptions = subscriptions
        fanoutWantsEvents = subscriptions.channels.contains(.events)
        send(batch, context: context)
        if subscriptions.isBehind { services.fanout.pump(self, on: context.eventLoop) }
    }

    private func historyRead(_ request: SessionInbox.Request, _ recorded: RecordedBacklog?) {
        guard ending == nil, let context else { return }
        answer(request, recorded: recorded, askedHistory: true, context: context)
        awaitingHistory = false
        while !awaitingHistory, !deferred.isEmpty {
            answer(deferred.removeFirst(), context: context)
        }
    }

    /// Unread answers (a `full` each for subscribes) a client may leave queued.
    static let maxQueuedAnswerBytes = 16 << 20

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard ending == nil else { return context.close(promise: nil) }
        guard let frameError = error as? NIOWebSocketError else {
            ending = .transportError
            return context.close(promise: nil)
        }
        // The decoder found a bad frame: say why with the close code, then go.
        let tooBig = frameError == .invalidFrameLength
        ending = tooBig ? .messageTooBig : .transportError
        let channel = context.channel
        // No writer: the session has already left its channel, which is closing.
        guard let writer else { return context.close(promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        let frame = Self.closeFrame(
            tooBig ? .messageTooLarge : .protocolError, reason: nil, allocator: channel.allocator)
        writer.writeAndFlush(frame, context: context, promise: written)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        // A client that is not reading never lets that write complete.
        closeAfterTimeout(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { end(.serverShutdown) }
        if (event as? ChannelEvent) == .inputClosed { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Writing

    func fanoutPass(_ pass: inout FanoutPass) {
        guard ending == nil, let context, let connection else { return }
        guard context.channel.isWritable else {
            if !blocked { blocked = true; connection.writeStarted(bytes: 0) }
            return
        }
        if blocked { blocked = false; connection.writeFinished(messages: 0, bytes: 0) }
        var batch = OutgoingBatch()
        for message in broadcasts {
            if let constellation {
                if let translated = constellation.translate(message) { batch.add(raw: translated) }
            } else {
                batch.add(message)
            }
        }
        broadcasts.removeAll()
        if pingDue {
            pingDue = false
            guard pings.ping(signsOfLife: signsOfLife) else { return end(.heartbeatTimeout) }
            // Constellation's client gets the control ping only: its protocol has no `ping` envelope.
            if constellation == nil { batch.add(.ping, payload: ServerPayloads.ping(seq: pings.seq)) }
            // The control ping: its pong (a frame, so a sign of life) comes
            // from the client's WebSocket library, even from a client that
            // never sends a message of its own. `send` flushes it.
            writeFrame(.ping, payload: ByteBuffer(string: String(pings.seq)), context: context)
        } else {
            pings.heard(signsOfLife: signsOfLife)
        }
        if constellation != nil { return passConstellation(batch, connection: connection, context: context) }
        // The subscriptions are used in place: a copy taken out and put back
        // retains and releases everything they hold (their cursor, its
        // filter), every session, every pass.
        guard subscriptions != nil else { return }
        var topology: FramedBatch?
        let stats = services.registry.stats, fragment = options.outboundFragmentBytes
        subscriptions!.pullTopology { cursor in
            topology = pass.webSocketBatch(for: &cursor, stats: stats, fragmentBytes: fragment)
        }
        var events = OutgoingBatch()
        subscriptions!.pullEvents(into: &events)
        let behind = subscriptions!.isBehind
        send(batch, topology: topology, events: events, context: context)
        // Still behind: another turn after the other work queued on this loop.
        if behind, context.channel.isWritable {
            let loop = context.eventLoop
            loop.assumeIsolated().execute { self.services.fanout.pump(self, on: loop) }
        }
    }

    /// Constellation's share of a pass: its messages for the changes past
    /// its cursor, at most `batchesPerTurn` steps, after `batch`.
    private func passConstellation(
        _ batch: OutgoingBatch, connection: StreamConnection, context: ChannelHandlerContext
    ) {
        guard var feed = constellation else { return }
        constellation = nil  // so the feed's cursor is not copied on write
        var batch = batch, steps = 0
        while steps < Self.batchesPerTurn, let messages = feed.next() {
            for message in messages { batch.add(raw: message) }
            steps += 1
        }
        let behind = services.store.revision > feed.revision
        connection.progressed(revision: feed.revision)
        constellation = feed
        send(batch, context: context)
        if behind, context.channel.isWritable {
            let loop = context.eventLoop
            loop.assumeIsolated().execute { self.services.fanout.pump(self, on: loop) }
        }
    }

    /// Steps of Constellation's cursor one pass takes before others get a turn.
    private static let batchesPerTurn = 8

    func fanoutFinish(_ reason: DisconnectReason) { end(reason) }

    /// Writes the session's own messages, then the (maybe shared) topology
    /// frames, then its events (the order docs/STREAMING.md gives), and
    /// flushes once.
    private func send(
        _ batch: OutgoingBatch, topology: FramedBatch? = nil, events: OutgoingBatch? = nil,
        context: ChannelHandlerContext
    ) {
        guard !batch.isEmpty || topology != nil || events?.isEmpty == false else {
            // A control ping may be queued alone (Constellation's pass).
            writer?.flush(context: context)
            return
        }
        var messages = 0, bytes = 0
        let stats = services.registry.stats
        write(batch, context: context, messages: &messages, bytes: &bytes)
        if let topology {
            // Shared, framed for plain sessions: a deflate session compresses its own copy.
            let framed =
                if let deflater, let deflate {
                    deflater.recompress(
                        topology.buffer, windowBits: deflate.serverWindowBits,
                        fragmentBytes: options.outboundFragmentBytes)
                } else {
                    topology.buffer
                }
            writer?.write(framed)
            messages += topology.messages
            bytes += topology.buffer.readableBytes
            stats.sent(messages: topology.messages, bytes: topology.buffer.readableBytes, oldest: topology.oldest)
        }
        if let events { write(events, context: context, messages: &messages, bytes: &bytes) }
        writer?.flush(context: context)
        unreadAnswerBytes = context.channel.isWritable ? 0 : unreadAnswerBytes + bytes
        // While the socket is full the stuck-client clock keeps running: an
        // answer sent meanwhile is counted, not taken as the socket draining.
        if blocked {
            connection?.counted(messages: messages, bytes: bytes)
        } else {
            connection?.writeFinished(messages: messages, bytes: bytes)
        }
    }

    /// Frames (and compresses, when agreed) the session's own messages into one write.
    private func write(_ batch: OutgoingBatch, context: ChannelHandlerContext, messages: inout Int, bytes: inout Int) {
        guard !batch.isEmpty else { return }
        var framed = context.channel.allocator.buffer(capacity: batch.bytes + 10 * batch.count)
        for range in batch.frames {
            let message = batch.buffer.readableBytesView[range]
            if let deflater, let deflate {
                deflater.writeMessage(
                    message, windowBits: deflate.serverWindowBits, fragmentBytes: options.outboundFragmentBytes,
                    into: &framed)
            } else {
                WebSocketWire.writeMessage(message, fragmentBytes: options.outboundFragmentBytes, into: &framed)
            }
        }
        writer?.write(framed)
        messages += batch.count
        bytes += batch.bytes
        services.registry.stats.sent(messages: batch.count, bytes: batch.bytes)
    }

    private func writeFrame(_ opcode: WebSocketWire.Opcode, payload: ByteBuffer, context: ChannelHandlerContext) {
        var framed = context.channel.allocator.buffer(capacity: payload.readableBytes + 10)
        WebSocketWire.writeFrame(opcode, payload: payload.readableBytesView, into: &framed)
        writer?.write(framed)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            signsOfLife += 1
            unreadAnswerBytes = 0
            if readHeld { readHeld = false; context.read() }
            services.fanout.pump(self, on: context.eventLoop)
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable { context.read() } else { readHeld = true }
    }

    // MARK: Heartbeat, broadcasts, endings

    fileprivate func notePingDue() {
        pingDue = true
        if let context { services.fanout.pump(self, on: context.eventLoop) }
    }

    private func deliver(_ message: BroadcastMessage) {
        // Only the newest: a busy client misses old notices rather than growing a queue.
        if broadcasts.count >= options.maxPendingBroadcasts { broadcasts.removeFirst() }
        broadcasts.append(message)
        if let context { services.fanout.pump(self, on: context.eventLoop) }
    }

    /// Ends the session for `reason` with the close code it calls for.
    private func end(_ reason: DisconnectReason) {
        guard let context else { return }
        guard ending == nil else {
            // Already ending, waiting on a close frame a full socket will not
            // take: a stuck verdict drops the connection now.
            if reason == .stuck { context.close(promise: nil) }
            return
        }
        ending = reason
        switch reason {
        case .heartbeatTimeout:
            sendClose(.goingAway, reason: "heartbeat timeout: no answer to 2 pings")
            context.close(promise: nil)
        case .serverShutdown:
            sendClose(.goingAway, reason: "server shutting down")
            closeAfterTimeout(context)
        case .stuck, .clientClosed:
            // A stuck peer cannot take a close frame: drop the socket.
            context.close(promise: nil)
        case .transportError:
            sendClose(.unexpectedServerError, reason: nil)
            context.close(promise: nil)
        case .policyViolation, .messageTooBig:
            closeAfterTimeout(context)
        }
    }

    /// A protocol problem: close with `code`, then wait briefly for the client's close.
    private func fail(_ code: WebSocketErrorCode, _ text: String, _ reason: DisconnectReason) {
        guard ending == nil, let context else { return }
        ending = reason
        sendClose(code, reason: text)
        closeAfterTimeout(context)
    }

    private func sendClose(_ code: WebSocketErrorCode, reason: String?) {
        guard let context, let writer else { return }
        writer.writeAndFlush(
            Self.closeFrame(code, reason: reason, allocator: context.channel.allocator), context: context)
    }

    /// The code to answer a client's close with (RFC 6455 §5.5.1, §7.4): its
    /// own when it may be sent on the wire, 1000 for a close without one,
    /// 1002 for a malformed payload or a code that must not appear.
    static func closeReply(to payload: ByteBuffer) -> WebSocketErrorCode {
        var payload = payload
        guard payload.readableBytes > 0 else { return .normalClosure }
        guard let code = payload.readInteger(as: UInt16.self),
            (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code),
            String(validating: payload.readableBytesView, as: UTF8.self) != nil
        else { return .protocolError }
        return WebSocketErrorCode(codeNumber: Int(code))
    }

    /// A close frame: the code, then at most 120 bytes of reason (control
    /// frames carry 125 bytes at most).
    private static func closeFrame(
        _ code: WebSocketErrorCode, reason: String?, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var data = allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        data.write(webSocketErrorCode: code)
        if let reason { data.writeBytes(reason.utf8.prefix(120)) }
        var framed = allocator.buffer(capacity: data.readableBytes + 2)
        WebSocketWire.writeFrame(.close, payload: data.readableBytesView, into: &framed)
        return framed
    }

    private func closeAfterTimeout(_ context: ChannelHandlerContext) {
        let channel = context.channel
        context.eventLoop.scheduleTask(in: TimeAmount(options.closeTimeout)) { channel.close(promise: nil) }
    }
}

/// The heartbeat's handle on a session: rings it on its loop.
private struct LoopPing: HeartbeatMember {
    let session: NIOLoopBound<DirectWebSocketSession>

    func pingDue() {
        let session = session
        session.eventLoop.execute { session.value.notePingDue() }
    }
}
