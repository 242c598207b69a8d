public import NIOCore

/// A stream the HTTP layer can serve as SSE: the topology or the event feed.
public protocol SSEFeed: Sendable {
    /// Writes the stream until the client goes away, a write fails, or shutdown.
    func run(connection: StreamConnection?, _ write: (ByteBuffer) async throws -> Void) async throws
    /// Ends the stream at once.
    func cancel()
}

extension TopologyFeed: SSEFeed {}
extension EventFeed: SSEFeed {}
