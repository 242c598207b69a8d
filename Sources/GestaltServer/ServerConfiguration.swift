public import GestaltEngine
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
    /// How long `run` lets a graceful shutdown take before it exits anyway.
    /// hummingbird-websocket handles the server's quiesce only once a
    /// connection has sent a request, so a connection opened and left silent
    /// (a browser's preconnect, a TCP health probe) would otherwise hold the
    /// shutdown open until the peer closes it.
    public var shutdownTimeout: Duration = .seconds(10)
    /// Jobs running and waiting at once, and how long finished ones are kept.
    public var jobLimits = JobLimits()
    /// Checks tokens when auth is on (docs/AUTH.md); nil: every request is let in.
    public var auth: TokenVerifier?

    public init(host: String = "0.0.0.0", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
