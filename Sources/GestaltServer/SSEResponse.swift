import HTTPTypes
import Hummingbird
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

    static func make(
        request: Request,
        run: @escaping @Sendable ((ByteBuffer) async throws -> Void) async throws -> Void,
        cancel: @escaping @Sendable () -> Void
    ) -> Response {
        Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await request.body.consumeWithInboundCloseHandler { _ in
                try await run { buffer in try await writer.write(buffer) }
            } onInboundClosed: {
                cancel()
            }
            try await writer.finish(nil)
        })
    }
}
