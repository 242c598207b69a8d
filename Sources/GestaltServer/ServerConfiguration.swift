package import GestaltEngine
package import GestaltStreaming

/// Everything the HTTP layer needs to know, with defaults in one place.
package struct ServerConfiguration: Sendable {
    package var host: String = "0.0.0.0"
    package var port: Int = 8080
    /// Bodies over this get 413 (PROTOCOL.md: 1 MiB).
    package var maxBodyBytes: Int = 1 << 20
    package var stream = StreamOptions()
    /// Largest `limit` accepted by `/api/infra/events`.
    package var maxEventLimit: Int = 10_000
    /// The WebSocket channel `/api/infra/ws`.
    package var webSocket = WebSocketOptions()
    /// A client whose write has been blocked this long is disconnected.
    package var stuckTimeout: Duration = .seconds(30)
    /// How long `run` lets a graceful shutdown take before it exits anyway.
    /// Hummingbird's HTTP channel handles the server's quiesce only once a
    /// connection has sent a request, so a connection opened and left silent
    /// (a browser's preconnect, a TCP health probe) would otherwise hold the
    /// shutdown open until the peer closes it.
    package var shutdownTimeout: Duration = .seconds(10)
    /// Jobs running and waiting at once, and how long finished ones are kept.
    package var jobLimits = JobLimits()
    /// Checks tokens when auth is on (docs/AUTH.md); nil: every request is let in.
    package var auth: TokenVerifier?

    package init(host: String = "0.0.0.0", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
