package import Hummingbird
import HummingbirdAuth
package import NIOCore

/// The request context of every route. Beyond the basics it keeps the
/// connection's channel, so a stream whose client stopped reading can be
/// closed from outside: a write blocked on a full socket is released only
/// by closing the socket.
package struct GestaltRequestContext: RequestContext, AuthRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let channel: any Channel
    /// Who sent the request, when auth is on (docs/AUTH.md).
    package var identity: Principal?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
