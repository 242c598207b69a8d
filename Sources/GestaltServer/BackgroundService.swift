public import ServiceLifecycle

/// A long-running piece of work (a source, the layout loop, the keepalive
/// ticker) as a lifecycle service: cancelled on graceful shutdown.
public struct BackgroundService: Service {
    public let name: String
    private let body: @Sendable () async throws -> Void

    public init(name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await body()
        }
    }
}
