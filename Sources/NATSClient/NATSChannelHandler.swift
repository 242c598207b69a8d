import NIOCore

/// The connection's one handler: decodes the server's bytes (with
/// `NATSServerOpDecoder` run in place, so a message is not boxed into a
/// `NIOAny` and passed down a pipeline), packs each read's payloads, does the handshake (INFO → CONNECT +
/// PING → PONG), answers server PINGs, and hands everything else to the connection.
final class NATSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingInfo
        case awaitingPong(NATSServerInfo)
        case ready
        case failed
    }

    private let options: NATSConnectionOptions
    private let handshake: EventLoopPromise<NATSServerInfo>
    private let connection: NATSConnection
    private var state = State.awaitingInfo
    private var decoder = NATSServerOpDecoder()
    /// The start of a frame whose end has not arrived yet, kept for the next read.
    private var unread = ByteBuffer()
    /// Messages decoded from the current read, handed over together at
    /// channelReadComplete: one lock and one consumer wake-up per read, not per message.
    private var batch: [NATSMessage] = []
    /// `batch[..<packed]` already have payloads of their own (`NATSPayloadPacking`).
    private var packed = 0
    private static let allocator = ByteBufferAllocator()

    init(options: NATSConnectionOptions, handshake: EventLoopPromise<NATSServerInfo>, connection: NATSConnection) {
        self.options = options
        self.handshake = handshake
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .failed = state { return }  // closing after an error: the rest of the bytes mean nothing
        // The decode loop runs here, not in NIOSingleStepByteToMessageProcessor:
        // that one compacted its buffer while the payload slices still shared
        // it, so each compaction copied it (≈3% of the subscribe path in
        // `perf`). Here the payloads are packed first and the compaction moves
        // the few leftover bytes in place. Locals, not properties, in the loop:
        // one exclusivity check per read instead of two per message.
        var incoming = unwrapInboundIn(data)
        var decoder = self.decoder
        do {
            if unread.readableBytes > 0 {
                var head = unread
                unread = ByteBuffer()  // first, so the appends below write in place rather than copying
                if try !finishFrame(&head, from: &incoming, decoder: &decoder, context: context) {
                    incoming = head  // this read only extended the cut-off frame
                }
            }
            while let op = try decoder.next(from: &incoming) { handle(op, context: context) }
        } catch {
            errorCaught(context: context, error: error)
        }
        self.decoder = decoder
        packBatch()
        if incoming.readableBytes > 0 {
            if incoming.readerIndex >= 4096 { incoming.discardReadBytes() }
            unread = incoming
        }
    }

    /// Completes the frame the last read cut off: moves over from `incoming`
    /// only the bytes that frame still lacks (the rest of its control line,
    /// then its payload), not the whole read, which is then decoded in place.
    /// Copying each read onto the leftover was ≈2.3% of the subscribe path in
    /// `perf`. False when `incoming` ran out first (`head` is still partial).
    private func finishFrame(
        _ head: inout ByteBuffer, from incoming: inout ByteBuffer, decoder: inout NATSServerOpDecoder,
        context: ChannelHandlerContext
    ) throws(NATSError) -> Bool {
        while head.readableBytes > 0 {
            guard incoming.readableBytes > 0 else { return false }
            let wanted =
                decoder.bytesMissing(from: head)
                ?? incoming.readableBytesView.firstIndex(of: 10).map { $0 - incoming.readerIndex + 1 }
                ?? incoming.readableBytes
            var part = incoming.readSlice(length: Swift.min(wanted, incoming.readableBytes))!
            head.writeBuffer(&part)
            while let op = try decoder.next(from: &head) { handle(op, context: context) }
        }
        return true
    }

    private func handle(_ op: NATSServerOp, context: ChannelHandlerContext) {
        if case .ping = op {
            var pong = context.channel.allocator.buffer(capacity: 6)
            NATSClientOps.writePong(into: &pong)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            return
        }
        switch state {
        case .ready:
            if case .message(let message) = op {
                batch.append(message)
                if batch.count >= 4096 { deliverBatch() }
            } else {
                // Whatever came before a PONG is delivered before the flush it answers returns.
                deliverBatch()
                connection.received(op, on: context.channel)
            }
        case .awaitingInfo:
            guard case .info(let info) = op else {
                return fail(context, NATSError(.protocolViolation, "expected INFO first, got \(op)"))
            }
            var hello = context.channel.allocator.buffer(capacity: 256)
            NATSClientOps.writeConnect(options, into: &hello)
            NATSClientOps.writePing(into: &hello)
            context.writeAndFlush(wrapOutboundOut(hello), promise: nil)
            state = .awaitingPong(info)
        case .awaitingPong(let info):
            switch op {
            case .pong:
                state = .ready
                handshake.succeed(info)
            case .error(let text):
                let code: NATSError.Code =
                    text.lowercased().contains("authorization") || text.lowercased().contains("authentication")
                    ? .authorizationViolation : .serverError
                fail(context, NATSError(code, text))
            case .ok, .info, .ping:
                break
            case .message:
                fail(context, NATSError(.protocolViolation, "MSG before the handshake finished"))
            }
        case .failed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        deliverBatch()
        context.fireChannelReadComplete()
    }

    private func packBatch() {
        NATSPayloadPacking.pack(&batch, from: packed, allocator: Self.allocator)
        packed = batch.count
    }

    private func deliverBatch() {
        guard !batch.isEmpty else { return }
        packBatch()
        connection.deliver(batch)
        batch.removeAll(keepingCapacity: true)
        packed = 0
    }

    func channelInactive(context: ChannelHandlerContext) {
        deliverBatch()
        fail(context, NATSError(.connectionFailed, "the server closed the connection"))
        connection.channelClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.writeOutgoing(on: context.channel) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let natsError = error as? NATSError ?? NATSError(.connectionFailed, "\(error)")
        connection.recordError(natsError)
        fail(context, natsError)
    }

    /// Fails the handshake if it is still open, and closes the channel.
    private func fail(_ context: ChannelHandlerContext, _ error: NATSError) {
        switch state {
        case .awaitingInfo, .awaitingPong:
            state = .failed
            handshake.fail(error)
            context.close(promise: nil)
        case .ready:
            state = .failed
            context.close(promise: nil)
        case .failed:
            break
        }
    }
}
