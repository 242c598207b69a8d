import HTTPTypes
import Hummingbird
import GestaltStreaming
import NIOCore

/// An SSE answer around a feed's `run`. The inbound-close handler cancels the
/// feed the moment the client goes away, so nothing is left waiting.
enum SSEResponse {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream",
        .cacheControl: "no-cache, no-transform",
        HTTPField.Name("X-Accel-Buffering")!: "no",
        .connection: "keep-alive",
    ]

    /// - Parameters:
    ///   - run: writes the feed, reporting to the registry entry it is given.
    ///   - cancel: ends the feed (client gone, or the registry asked).
    static func make(
        request: Request,
        context: GestaltRequestContext,
        registry: StreamRegistry,
        channel: StreamChannel,
        run: @escaping @Sendable (StreamConnection, (ByteBuffer) async throws -> Void) async throws -> Void,
        cancel: @escaping @Sendable () -> Void
    ) -> Response {
        let network = context.channel
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let connection = registry.register(
                transport: .sse, channels: [channel], sessionID: request.uri.queryParameters.get("session_id"),
                closer: { reason in
                    cancel()
                    // A write blocked on a full socket ends only when the socket does.
                    if reason == .stuck { network.close(promise: nil) }
                }
            )
            do {
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await run(connection) { buffer in try await writer.write(buffer) }
                } onInboundClosed: {
                    connection.disconnect(.clientClosed)
                }
                try await writer.finish(nil)
            } catch {
                connection.deregister(.transportError)
                throw error
            }
            // The feed ended without the client leaving: the store closed for shutdown.
            connection.deregister(.serverShutdown)
        })
    }
}
