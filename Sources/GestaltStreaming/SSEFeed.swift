package import NIOCore

/// One client's SSE stream, as the server's SSE answer drives it: `run`
/// writes until the client goes away, a write fails, or shutdown; `cancel`
/// (called when the registry or the client ends the connection) makes `run`
/// return. The answer around it owns the lifecycle (register, inbound close,
/// deregister), so every feed gets it the same way.
package protocol SSEFeed: Sendable {
    func run(connection: StreamConnection?, _ write: (ByteBuffer) async throws -> Void) async throws
    func cancel()
    /// Hands the feed a registry broadcast; nil (the default) when it takes none.
    var deliver: (@Sendable (BroadcastMessage) -> Void)? { get }
}

extension SSEFeed {
    package var deliver: (@Sendable (BroadcastMessage) -> Void)? { nil }
}
