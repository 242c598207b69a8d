import Foundation
import NIOCore
import NIOPosix

/// The server the load tool connects to: `http://host:port`.
struct LoadTarget: Sendable {
    let host: String
    let port: Int

    init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host
        else {
            throw LoadTargetError(
                message: "--url must be http://HOST:PORT (the load tool speaks plain HTTP); got '\(url)'")
        }
        self.host = host
        self.port = components.port ?? 80
    }

    /// Opens one connection whose pipeline `setUp` builds; a failure to
    /// connect is counted, not thrown.
    func connect(
        counters: LoadCounters,
        setUp: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        let connecting = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try setUp(channel) } }
            .connect(host: host, port: port)
        connecting.whenFailure { counters.noteError($0) }
        return connecting
    }
}

struct LoadTargetError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
