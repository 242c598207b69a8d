import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Judges a connection's first request, when it asks for a WebSocket
/// upgrade, before anything upgrades it: a missing, bad or expired token,
/// or one the route does not allow, gets the HTTP 401 or 403 with the API's
/// JSON error body that every other route gives, and the connection closes.
///
/// Only a connection's first request can upgrade (every WebSocket is served
/// by `DirectStreams`; a later one gets the router's 426), so judging the
/// first one covers every WebSocket route. Anything else, and a
/// head this strict reader does not take (`RequestHead`), passes on as it came.
final class UpgradeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let verifier: TokenVerifier
    private let logger: Logger
    private var buffered: ByteBuffer?
    /// Bytes of the head already searched for its end.
    private var scanned = 0
    /// A token check is under way; bytes and events wait for its verdict.
    private var judging = false
    private var heldEvents: [Any] = []
    private var done = false

    init(verifier: TokenVerifier, logger: Logger) {
        self.verifier = verifier
        self.logger = logger
    }

    private static let get = Array("GET ".utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
        guard !judging, let view = buffered?.readableBytesView else { return }
        // Only a GET asks for an upgrade; most requests are told by their first bytes.
        let known = min(view.count, Self.get.count)
        guard view.prefix(known).elementsEqual(Self.get.prefix(known)) else { return pass(context) }
        guard let end = RequestHead.end(in: view, scanned: scanned) else {
            scanned = view.count
            if view.count > RequestHead.maxBytes { pass(context) }
            return
        }
        guard let head = RequestHead(view[..<end]), head.header("upgrade")?.lowercased() == "websocket" else {
            return pass(context)
        }
        let rule = AccessRule.of(method: .get, path: String(head.path))
        guard rule != .open else { return pass(context) }
        judging = true
        let verifier = verifier
        let token = AccessMiddleware.token(headers: Self.fields(head), uri: URI(head.target))
        let path = String(head.path)
        let verdict = context.eventLoop.makeFutureWithTask { () async -> (AuthFailure, client: String?)? in
            var client: String?
            do throws(AuthFailure) {
                guard let token else { throw .missing }
                let principal = try await verifier.verify(token)
                client = principal.name
                try AccessMiddleware.check(principal, against: rule)
                return nil
            } catch {
                return (error, client)
            }
        }
        verdict.assumeIsolated().whenSuccess { refusal in
            guard !self.done else { return }
            guard let refusal else { return self.pass(context) }
            let (failure, client) = refusal
            AccessMiddleware.logRefusal(failure, path: path, client: client, logger: self.logger)
            self.refuse(failure, context: context)
        }
    }

    /// The refusal as a whole HTTP/1.1 response, then the connection closes
    /// (what came after the request is never read).
    private func refuse(_ failure: AuthFailure, context: ChannelHandlerContext) {
        done = true
        buffered = nil
        heldEvents = []
        let response = Self.response(refusing: failure)
        let channel = context.channel
        channel.writeAndFlush(response).whenComplete { _ in channel.close(promise: nil) }
    }

    /// A refusal as a whole HTTP/1.1 response that closes the connection.
    static func response(refusing failure: AuthFailure) -> ByteBuffer {
        let body = failure.error.body
        var response = ByteBuffer()
        response.reserveCapacity(512 + body.count)
        response.writeString("HTTP/1.1 \(failure.status.code) \(failure.status.reasonPhrase)\r\n")
        for field in failure.headers { response.writeString("\(field.name.rawName): \(field.value)\r\n") }
        response.writeString("Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        response.writeBytes(body)
        return response
    }

    /// Leaves the pipeline, handing on the bytes and events held so far.
    private func pass(_ context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        judging = false
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        context.leavePipeline(handingOn: &buffered, events: &heldEvents, removalToken: removalToken)
    }

    func channelReadComplete(context: ChannelHandlerContext) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if judging { return heldEvents.append(event) }
        // Undecided and not judging: the handlers after this one decide what
        // a half-close or a quiesce means for a request not yet whole.
        heldEvents.append(event)
        pass(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done = true
        context.fireChannelInactive()
    }

    private static func fields(_ head: RequestHead) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in head.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }
}
