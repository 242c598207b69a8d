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

    /// Being cancelled is how graceful shutdown stops the work, so a
    /// `CancellationError` is a clean end, not a failure of the service group.
    ///
    /// Work that ends by itself (a loop that saw the store's signals close
    /// when the stream closer ran) then waits for its own turn to shut down:
    /// a service group shuts its services down one at a time, in reverse, and
    /// counts any service that finishes before its turn as "finished
    /// unexpectedly", which fails the whole shutdown (`gestalt serve` exited 1).
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await body()
            }
        } catch is CancellationError {
            return
        }
        try? await gracefulShutdown()
    }
}
