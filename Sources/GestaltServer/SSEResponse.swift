import GestaltModel
import GestaltStreaming
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// An SSE answer around a feed's `run`. The inbound-close handler cancels the
/// feed the moment the client goes away, so nothing is left waiting.
enum SSEResponse {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream",
        .cacheControl: "no-cache, no-transform",
        HTTPField.Name("X-Accel-Buffering")!: "no",
        .connection: "keep-alive",
    ]

    /// Serves the topology stream from the fan-out: the connection's task
    /// only waits, and the channel's event loop writes the deltas.
    static func topology(
        request: Request,
        context: GestaltRequestContext,
        registry: StreamRegistry,
        fanout: TopologyFanout,
        filter: TopologyFilter,
        delta: DeltaForm,
        resumeFrom: UInt64?,
        options: StreamOptions
    ) -> Response {
        let network = context.channel
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let (connection, ended) = startTopology(
                    channel: network, sessionID: request.uri.queryParameters.get("session_id"), registry: registry,
                    fanout: fanout,
                    filter: filter, delta: delta, resumeFrom: resumeFrom, options: options,
                    write: { buffer in network.write(HTTPResponsePart.body(buffer), promise: nil) }
                )
                connection.deregister((try? await ended.get()) ?? .transportError)
                // Throws when the client is gone; Hummingbird then drops the connection.
                try await writer.finish(nil)
            })
    }

    /// Registers an SSE topology client and starts its fan-out stream; the
    /// future tells why it ended. Shared by the routed answer above and the
    /// direct one (`DirectTopologyStream`).
    static func startTopology(
        channel network: any Channel, sessionID: String?, registry: StreamRegistry, fanout: TopologyFanout,
        filter: TopologyFilter, delta: DeltaForm = .entity, resumeFrom: UInt64?, options: StreamOptions,
        chunked: Bool = false,
        write: @escaping @Sendable (ByteBuffer) -> Void
    ) -> (StreamConnection, EventLoopFuture<DisconnectReason>) {
        let connection = register(channel: network, stream: .topology, sessionID: sessionID, registry: registry)
        let ended = fanout.start(
            filter: filter, delta: delta, resumeFrom: resumeFrom, options: options, channel: network,
            connection: connection,
            chunked: chunked, write: write
        )
        return (connection, ended)
    }

    /// Serves the events stream from the fan-out, as `topology` serves its stream.
    static func events(
        request: Request, context: GestaltRequestContext, registry: StreamRegistry, fanout: TopologyFanout,
        filter: EventFilter, resumeFrom: UInt64?, options: StreamOptions
    ) -> Response {
        let network = context.channel
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let connection = register(
                    channel: network, stream: .events, sessionID: request.uri.queryParameters.get("session_id"),
                    registry: registry)
                let ended = fanout.startEvents(
                    filter: filter, resumeFrom: resumeFrom, options: options, channel: network,
                    connection: connection,
                    write: { buffer in network.write(HTTPResponsePart.body(buffer), promise: nil) })
                connection.deregister((try? await ended.get()) ?? .transportError)
                // Throws when the client is gone; Hummingbird then drops the connection.
                try await writer.finish(nil)
            })
    }

    /// A fan-out client in the registry: its disconnect ends the stream
    /// through the pipeline (`FanoutEnd`), and a stuck one is closed.
    private static func register(
        channel network: any Channel, stream: StreamChannel, sessionID: String?, registry: StreamRegistry
    ) -> StreamConnection {
        registry.register(
            transport: .sse, channels: [stream], sessionID: sessionID,
            closer: { reason in
                // A full socket is released only by closing it.
                if reason == .stuck { network.close(promise: nil) }
                network.pipeline.fireUserInboundEventTriggered(FanoutEnd(reason))
            }
        )
    }

    /// Serves a feed (graph events, alerts), registered on `channel`;
    /// the registry or the client going away cancels it.
    static func make(
        request: Request,
        context: GestaltRequestContext,
        registry: StreamRegistry,
        channel: StreamChannel,
        feed: some SSEFeed
    ) -> Response {
        let network = context.channel
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let connection = registry.register(
                    transport: .sse, channels: [channel], sessionID: request.uri.queryParameters.get("session_id"),
                    closer: { reason in
                        feed.cancel()
                        // A write blocked on a full socket ends only when the socket does.
                        if reason == .stuck { network.close(promise: nil) }
                    },
                    deliver: feed.deliver
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
