import HummingbirdWebSocket

#if canImport(HummingbirdWSCompression)
import HummingbirdWSCompression
#endif

extension WebSocketOptions {
    /// hummingbird-websocket's settings, for Constellation's `/ws` (the
    /// realtime socket is `DirectWebSocketSession`). Its own auto-ping stays off: it
    /// closes after one missed pong and counts nothing else as life. Our
    /// heartbeat (`PingSchedule`) sends control pings itself, tolerates two
    /// misses, and counts anything the peer sends, or its socket draining.
    var serverConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(
            maxFrameSize: maxMessageBytes,
            extensions: extensions,
            autoPing: .disabled,
            closeTimeout: closeTimeout
        )
    }

    private var extensions: [WebSocketExtensionFactory] {
        #if canImport(HummingbirdWSCompression)
        compression ? [SizeCheckedDeflate.factory(maxMessageBytes: maxMessageBytes)] : []
        #else
        []
        #endif
    }
}
