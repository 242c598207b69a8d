import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends the process when a graceful shutdown overruns its deadline; see
/// `ServerConfiguration.shutdownTimeout` for the connections that cause it.
enum ShutdownDeadline {
    static func start(after timeout: Duration, logger: Logger) {
        // Unstructured on purpose: the services that would own it are the ones being waited for.
        Task.detached {
            try? await Task.sleep(for: timeout)
            logger.warning(
                "shutdown took longer than \(timeout) (connections that never sent a request keep the HTTP server open); exiting"
            )
            exit(0)
        }
    }
}
