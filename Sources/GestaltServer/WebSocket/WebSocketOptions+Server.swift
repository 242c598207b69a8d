import HummingbirdWebSocket
#if canImport(HummingbirdWSCompression)
import HummingbirdWSCompression
#endif

extension WebSocketOptions {
    /// hummingbird-websocket's settings. Its own auto-ping stays off: our
    /// heartbeat is an application `ping` that tolerates two misses, and any
    /// client message counts as an answer.
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
