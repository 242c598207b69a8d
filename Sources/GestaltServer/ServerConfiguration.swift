public import GestaltStreaming

/// Everything the HTTP layer needs to know, with defaults in one place.
public struct ServerConfiguration: Sendable {
    public var host: String = "0.0.0.0"
    public var port: Int = 8080
    /// Bodies over this get 413 (PROTOCOL.md: 1 MiB).
    public var maxBodyBytes: Int = 1 << 20
    public var stream = StreamOptions()
    /// Largest `limit` accepted by `/api/infra/events`.
    public var maxEventLimit: Int = 10_000
    /// The WebSocket channel `/api/infra/ws`.
    public var webSocket = WebSocketOptions()
    /// A client whose write has been blocked this long is disconnected.
    public var stuckTimeout: Duration = .seconds(30)

    public init(host: String = "0.0.0.0", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
