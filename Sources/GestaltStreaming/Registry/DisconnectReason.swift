/// Why a stream ended, counted by reason in `/metrics` and `/api/infra/subscriptions`.
package enum DisconnectReason: String, Sendable, Hashable, CaseIterable {
    /// The client closed or went away (EOF, close frame, reset).
    case clientClosed = "client_closed"
    /// Graceful shutdown of the server.
    case serverShutdown = "server_shutdown"
    /// A write did not complete within the stuck-client timeout.
    case stuck
    /// A WebSocket peer missed two heartbeats in a row.
    case heartbeatTimeout = "heartbeat_timeout"
    /// A WebSocket peer sent too many invalid messages (close code 1008).
    case policyViolation = "policy_violation"
    /// A WebSocket peer sent a frame or message over the size limit (close code 1009).
    case messageTooBig = "message_too_big"
    /// The transport failed (write error, protocol error).
    case transportError = "transport_error"
}
