import NIOCore

extension ChannelHandlerContext {
    /// Hands on, in order, the bytes and events a handler held while it
    /// decided where its connection goes (`FirstRequestSniffer`,
    /// `UpgradeGate`), then lets the handler leave the pipeline.
    func leavePipeline(
        handingOn bytes: inout ByteBuffer?, events: inout [Any], removalToken: RemovalToken
    ) {
        if let held = bytes, held.readableBytes > 0 {
            bytes = nil
            fireChannelRead(NIOAny(held))
            fireChannelReadComplete()
        }
        let held = events
        events = []
        for event in held { fireUserInboundEventTriggered(event) }
        leavePipeline(removalToken: removalToken)
    }
}
