import NIOCore

/// Sits first in a task-driven session's pipeline and tells its inbox of
/// every sign of life: bytes from the peer (any frame, the pongs that
/// answer our control pings among them, which swift-websocket answers and
/// consumes without showing them to the session) and the socket draining
/// (a busy peer reading a long backlog is alive even while its pong waits
/// behind that backlog). The direct session counts the same things itself.
final class InboundActivity: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let inbox: SessionInbox

    init(inbox: SessionInbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.noteInbound()
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { inbox.noteInbound() }
        context.fireChannelWritabilityChanged()
    }
}
