import NIOCore

/// How a connection's first request is answered.
enum FirstRequestRoute: Sendable {
    /// Served by `DirectStreams` on the event loop; no task is needed.
    case direct
    /// Left to Hummingbird: set its pipeline up, then `release` the sniffer,
    /// which hands it the bytes read so far.
    case router(NIOLoopBound<FirstRequestSniffer>)
}

/// Holds a new connection's bytes until its first request's head is in,
/// then routes the connection (`FirstRequestRoute`). Most requests are told
/// apart by their first line, so an ordinary request waits for no more than
/// the read that brought it.
final class FirstRequestSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let direct: DirectStreams
    private let routed: EventLoopPromise<FirstRequestRoute>
    private var buffered: ByteBuffer?
    private var decided = false
    /// Bytes of the head already searched for its end.
    private var scanned = 0
    /// Events that came after the decision for the router but before its
    /// pipeline was there to hear them (a half-close right after the
    /// request, a quiesce); replayed after the bytes on release.
    private var heldEvents: [Any] = []
    private var waitingForRouter = false

    init(direct: DirectStreams, routed: EventLoopPromise<FirstRequestRoute>) {
        self.direct = direct
        self.routed = routed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
        guard !decided, let view = buffered?.readableBytesView else { return }
        switch direct.wants(view) {
        case false:
            route(.router(NIOLoopBound(self, eventLoop: context.eventLoop)))
        case nil where view.count > RequestHead.maxBytes:
            route(.router(NIOLoopBound(self, eventLoop: context.eventLoop)))
        case nil:
            return
        case true:
            guard let end = RequestHead.end(in: view, scanned: scanned) else {
                // Every four-byte window ending before here has been looked at.
                scanned = view.count
                if view.count > RequestHead.maxBytes {
                    route(.router(NIOLoopBound(self, eventLoop: context.eventLoop)))
                }
                return
            }
            if let head = RequestHead(view[..<end]), let request = direct.accept(head) {
                let leftover = buffered?.getSlice(at: end, length: view.endIndex - end)
                buffered = nil
                route(.direct)
                let channel = context.channel
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                direct.serve(request, channel: channel, leftover: leftover)
            } else {
                route(.router(NIOLoopBound(self, eventLoop: context.eventLoop)))
            }
        }
    }

    /// Hands the bytes read so far on to the handlers after this one and leaves.
    func release(context: ChannelHandlerContext) {
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        waitingForRouter = false
        context.leavePipeline(handingOn: &buffered, events: &heldEvents, removalToken: removalToken)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if decided { context.fireChannelReadComplete() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if waitingForRouter { return heldEvents.append(event) }
        guard !decided else { return context.fireUserInboundEventTriggered(event) }
        // No request yet: nothing to finish, so a quiescing server or a
        // client that stopped sending just closes the connection.
        if event is ChannelShouldQuiesceEvent || (event as? ChannelEvent) == .inputClosed {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !decided {
            decided = true
            routed.fail(ChannelError.inputClosed)
        }
        context.fireChannelInactive()
    }

    /// A connection closed before it ever became active fires no
    /// `channelInactive`; the promise must still be completed, or NIO traps
    /// on a leaked promise (seen when a server stops under load).
    func handlerRemoved(context: ChannelHandlerContext) {
        if !decided {
            decided = true
            routed.fail(ChannelError.inputClosed)
        }
    }

    private func route(_ route: FirstRequestRoute) {
        decided = true
        if case .router = route { waitingForRouter = true }
        routed.succeed(route)
    }
}
