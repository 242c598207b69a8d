package import Logging
import ServiceLifecycle

/// A long-running piece of work (a source, the layout loop, the keepalive
/// ticker) as a lifecycle service: cancelled on graceful shutdown.
package struct BackgroundService: Service {
    package let name: String
    private let body: @Sendable () async throws -> Void
    private let logger: Logger

    package init(
        name: String, logger: Logger = Logger(label: "gestalt.services"),
        _ body: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.logger = logger
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
    /// Work that ends before any shutdown began (neither its own turn nor the
    /// server's `ShutdownMark`) is a bug (a loop that stopped), which that
    /// wait would hide, so it is logged.
    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await body()
            }
        } catch is CancellationError {
            return
        }
        if !Task.isShuttingDownGracefully, !Task.isCancelled, ShutdownMark.current?.hasBegun != true {
            logger.warning(
                "background service ended before shutdown; its work is no longer done",
                metadata: ["service": .string(name)])
        }
        try? await gracefulShutdown()
    }
}
