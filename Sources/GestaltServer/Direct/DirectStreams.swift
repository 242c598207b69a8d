import Foundation
import GestaltModel
import GestaltStreaming
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Answers a connection whose first request opens a stream, the topology
/// SSE stream or a WebSocket (every WebSocket session is served here,
/// Constellation's `/ws` included), without Hummingbird: the fan-out serves it
/// from the event loop, so the connection keeps no task and only a short
/// pipeline. That is what holds an idle stream client to a few KiB of
/// server memory (issue 5 asks ≤ 10 KiB).
///
/// Only a plain, valid request is taken: HTTP/1.1 with one Host, no body, a query that
/// parses, and for the WebSocket a well-formed upgrade (permessage-deflate is
/// negotiated here when offered: `DeflateAgreement`). Everything else,
/// errors included, goes to the router, which answers it as before; so do
/// later requests on a kept-alive connection.
struct DirectStreams: Sendable {
    let session: DirectWebSocketSession.Services
    /// The topology SSE stream: off when auth is on (checking a token takes
    /// a task, which is what this path avoids), so it goes to the router's middleware.
    var enabled = true
    /// When auth is on, the WebSocket upgrade's token is checked here
    /// (`DirectUpgradeAuth`): one short task per upgrade, none per session.
    var verifier: TokenVerifier? = nil

    /// A request this type serves.
    enum Request {
        case topology(filter: TopologyFilter, delta: DeltaForm, resumeFrom: UInt64?, sessionID: String?)
        /// `constellation`: Constellation's `/ws` with its tagging, else the realtime protocol.
        case webSocket(
            HTTPRequestHead, sessionID: String?, deflate: DeflateAgreement?, token: String?,
            constellation: ConstellationMessage.Tagging?)
    }

    static let topologyRoute = "/api/infra/topology/stream"
    static let webSocketRoute = "/api/infra/ws"
    /// Seed 004's client path: the same WebSocket, the same envelope.
    static let realtimeRoute = "/v1/realtime"
    /// Constellation's WebSocket (design doc 003), with its own messages.
    static let constellationRoute = "/ws"
    private static let webSocketRoutes = [webSocketRoute, realtimeRoute, constellationRoute]
    private static let requestLines = ([topologyRoute] + webSocketRoutes).map { Array("GET \($0)".utf8) }
    private static let webSocketLines = webSocketRoutes.map { Array("GET \($0)".utf8) }

    /// Whether a request starting with `bytes` may be one to serve directly;
    /// nil until enough has arrived to tell.
    func wants(_ bytes: ByteBufferView) -> Bool? {
        var undecided = false
        for line in enabled ? Self.requestLines : Self.webSocketLines {
            let known = min(bytes.count, line.count + 1)
            guard bytes.prefix(min(known, line.count)).elementsEqual(line.prefix(known)) else { continue }
            guard known > line.count else { undecided = true; continue }
            let next = bytes[bytes.startIndex + line.count]
            if next == UInt8(ascii: " ") || next == UInt8(ascii: "?") { return true }
        }
        return undecided ? nil : false
    }

    /// The request in `head` if it is one to serve directly.
    func accept(_ head: RequestHead) -> Request? {
        guard head.method == "GET", head.version == "HTTP/1.1", head.header("host") != nil,
            !head.has("content-length"), !head.has("transfer-encoding")
        else { return nil }
        let query = URI(head.target).queryParameters
        let sessionID = query.get("session_id")
        switch head.path {
        case Self.topologyRoute:
            guard enabled, !head.has("upgrade"),
                let filter = try? QueryParsing.filter(query), let delta = try? QueryParsing.delta(query)
            else { return nil }
            let resumeFrom = (head.header("last-event-id") ?? query.get("last_event_id")).flatMap(QueryParsing.eventID)
            return .topology(filter: filter, delta: delta, resumeFrom: resumeFrom, sessionID: sessionID)
        case Self.webSocketRoute, Self.realtimeRoute, Self.constellationRoute:
            // `tagging` picks serde's encoding of Constellation's enum; another value is the router's to refuse.
            var constellation: ConstellationMessage.Tagging?
            if head.path == Self.constellationRoute {
                constellation = ConstellationMessage.Tagging(rawValue: query.get("tagging") ?? "external")
                guard constellation != nil else { return nil }
            }
            guard head.header("upgrade")?.lowercased() == "websocket",
                head.header("connection")?.lowercased().split(separator: ",").contains(where: {
                    $0.trimmingCharacters(in: .whitespaces) == "upgrade"
                }) == true,
                head.header("sec-websocket-version") == "13", head.header("sec-websocket-key") != nil
            else { return nil }
            let offers = head.headers.filter { $0.name.lowercased() == "sec-websocket-extensions" }.map(\.value)
            let deflate = session.options.compression ? DeflateAgreement.negotiate(offers) : nil
            var headers = HTTPHeaders()
            for (name, value) in head.headers { headers.add(name: name, value: value) }
            return .webSocket(
                HTTPRequestHead(version: .http1_1, method: .GET, uri: head.target, headers: headers),
                sessionID: sessionID, deflate: deflate,
                token: DirectUpgradeAuth.token(in: head, queryToken: query.get("access_token")),
                constellation: constellation)
        default:
            return nil
        }
    }

    /// Serves `request` on `channel`, whose pipeline is empty; `leftover` is
    /// what the client sent after the request's head. Called on the loop.
    func serve(_ request: Request, channel: any Channel, leftover: ByteBuffer?) {
        switch request {
        case .topology(let filter, let delta, let resumeFrom, let sessionID):
            serveTopology(filter: filter, delta: delta, resumeFrom: resumeFrom, sessionID: sessionID, channel: channel)
        case .webSocket(let head, let sessionID, let deflate, let token, let constellation):
            guard let verifier else {
                return upgrade(
                    head, sessionID: sessionID, deflate: deflate, restriction: .none, constellation: constellation,
                    channel: channel, leftover: leftover)
            }
            // `UpgradeGate` has refused a bad token already; this check finds
            // the token's restriction (and refuses, the same way, a token that
            // expired in between).
            let path = String(URI(head.uri).path)
            Task {
                let access = await DirectUpgradeAuth.check(
                    token, path: path, verifier: verifier, logger: Logger(label: "gestalt.auth"))
                channel.eventLoop.execute {
                    switch access {
                    case .success(let restriction):
                        upgrade(
                            head, sessionID: sessionID, deflate: deflate, restriction: restriction,
                            constellation: constellation, channel: channel, leftover: leftover)
                    case .failure(let failure):
                        channel.writeAndFlush(UpgradeGate.response(refusing: failure)).whenComplete { _ in
                            channel.close(promise: nil)
                        }
                    }
                }
            }
        }
    }

    private func serveTopology(
        filter: TopologyFilter, delta: DeltaForm, resumeFrom: UInt64?, sessionID: String?, channel: any Channel
    ) {
        channel.write(Self.streamHead(), promise: nil)
        let (connection, ended) = SSEResponse.startTopology(
            channel: channel, sessionID: sessionID, registry: session.registry, fanout: session.fanout,
            // The pipeline is empty and the response chunked (HTTP/1.1, no
            // length): every write is one chunk, the deltas pre-framed.
            filter: filter, delta: delta, resumeFrom: resumeFrom, options: session.stream, chunked: true,
            write: { buffer in
                // An empty chunk would end the response.
                guard buffer.readableBytes > 0 else { return }
                channel.write(SSEFrame.chunk(buffer), promise: nil)
            }
        )
        ended.whenComplete { result in
            connection.deregister((try? result.get()) ?? .transportError)
            Self.served(Self.topologyRoute, status: 200)
            // The stream ends only when the server or the registry ends it;
            // the connection goes with it.
            channel.writeAndFlush(SSEFrame.lastChunk).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// The stream's response head as bytes. No HTTP encoder sits in the
    /// pipeline to write it: with its context it was about 190 bytes of
    /// every idle client (heaptrack, docs/BENCHMARKS.md).
    static func streamHead() -> ByteBuffer {
        var head = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        for field in SSEResponse.headers { head.writeString("\(field.name.rawName): \(field.value)\r\n") }
        head.writeString("Date: \(httpDate())\r\nServer: gestalt\r\nTransfer-Encoding: chunked\r\n\r\n")
        return head
    }

    /// Answers the handshake (NIO's upgrader checks the key and computes the
    /// accept value), then puts the frame codec and the session in the pipeline.
    private func upgrade(
        _ head: HTTPRequestHead, sessionID: String?, deflate: DeflateAgreement?,
        restriction: AccessRestriction, constellation: ConstellationMessage.Tagging?, channel: any Channel,
        leftover: ByteBuffer?
    ) {
        guard channel.isActive else { return }
        let maxFrame = session.options.maxMessageBytes
        var extensions = HTTPHeaders()
        if let deflate {
            extensions.add(name: "Sec-WebSocket-Extensions", value: deflate.responseHeader)
        }
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrame, automaticErrorHandling: true,
            shouldUpgrade: { [extensions] channel, _ in channel.eventLoop.makeSucceededFuture(extensions) },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
        let services = session
        upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: head, initialResponseHeaders: HTTPHeaders())
            .assumeIsolated().whenComplete { result in
                guard case .success(let headers) = result else {
                    channel.close(promise: nil)
                    return
                }
                var response = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\n")
                for header in headers { response.writeString("\(header.name): \(header.value)\r\n") }
                response.writeString("\r\n")
                channel.writeAndFlush(response, promise: nil)
                // A failed write closes the channel at once; a session added now
                // would wait for an end that has already happened.
                guard channel.isActive else { return }
                do {
                    let pipeline = channel.pipeline.syncOperations
                    // No frame encoder and no protocol error handler: the
                    // session frames its own writes and answers bad frames.
                    try pipeline.addHandler(WebSocketFrameReader(maxFrameSize: maxFrame))
                    try pipeline.addHandler(
                        DirectWebSocketSession(
                            services: services, sessionID: sessionID, deflate: deflate, restriction: restriction,
                            constellation: constellation))
                } catch {
                    channel.close(promise: nil)
                    return
                }
                Self.served(constellation == nil ? Self.webSocketRoute : Self.constellationRoute, status: 101)
                if let leftover, leftover.readableBytes > 0 {
                    channel.pipeline.syncOperations.fireChannelRead(NIOAny(leftover))
                }
            }
    }

    /// Now, as the `Date` header wants it (RFC 9110, IMF-fixdate).
    static func httpDate() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date())
    }

    /// Counted like the router's requests (MetricsMiddleware's `hb.requests`).
    private static func served(_ route: String, status: Int) {
        Counter(
            label: "hb.requests",
            dimensions: [
                ("http.route", route), ("http.request.method", "GET"), ("http.response.status_code", "\(status)"),
            ]
        ).increment()
    }
}
