public import Hummingbird
public import HummingbirdAuth
public import HummingbirdWebSocket
public import NIOCore

/// The request context of every route. Beyond the basics it keeps the
/// connection's channel, so a stream whose client stopped reading can be
/// closed from outside: a write blocked on a full socket is released only
/// by closing the socket.
public struct GestaltRequestContext: RequestContext, WebSocketRequestContext, AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<GestaltRequestContext>
    public let channel: any Channel
    /// Who sent the request, when auth is on (docs/AUTH.md).
    public var identity: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}
