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

    /// Serves `feed`, registered on `channel`; the registry or the client
    /// going away cancels it.
    static func make(
        request: Request,
        context: GestaltRequestContext,
        registry: StreamRegistry,
        channel: StreamChannel,
        feed: some SSEFeed
    ) -> Response {
        let network = context.channel
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let connection = registry.register(
                transport: .sse, channels: [channel], sessionID: request.uri.queryParameters.get("session_id"),
                closer: { reason in
                    feed.cancel()
                    // A write blocked on a full socket ends only when the socket does.
                    if reason == .stuck { network.close(promise: nil) }
                }
            )
            do {
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await feed.run(connection: connection) { buffer in try await writer.write(buffer) }
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
