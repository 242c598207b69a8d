import Hummingbird
package import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A fake Kubernetes API server on a local port, over a `FakeCluster`.
///
/// ```swift
/// let server = FakeKubeServer()
/// let port = try await server.start()
/// try server.cluster.create(.pods, ["metadata": ["name": "web-1", "namespace": "shop"]])
/// await server.stop()
/// ```
package final class FakeKubeServer: Sendable {
    package let cluster: FakeCluster
    private let bookmarkInterval: Duration?
    private let logger: Logger
    private let running = Mutex<(task: Task<Void, Never>?, group: ServiceGroup?, port: Int?)>((nil, nil, nil))

    /// - Parameter bookmarkInterval: when set, every watch that allows bookmarks gets one this often.
    package init(cluster: FakeCluster = FakeCluster(), bookmarkInterval: Duration? = nil, logger: Logger? = nil) {
        self.cluster = cluster
        self.bookmarkInterval = bookmarkInterval
        var quiet = Logger(label: "fake-kube-api")
        quiet.logLevel = .warning
        self.logger = logger ?? quiet
    }

    /// The bound port, once started.
    package var port: Int? { running.withLock { $0.port } }

    /// `http://127.0.0.1:<port>`, once started.
    package var url: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Starts serving; returns the bound port (pass 0 for an ephemeral one).
    @discardableResult
    package func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let (ports, portContinuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: FakeKubeResponder(cluster: cluster),
            configuration: .init(address: .hostname(host, port: port), serverName: "fake-kube-api"),
            onServerRunning: { channel in portContinuation.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger
        )
        let cluster = cluster
        let bookmarkInterval = bookmarkInterval
        // Run as a service so `stop` can shut it down gracefully: cancelling
        // the server while a client connects drops that connection's async
        // channel unfinished, which NIO treats as a fatal error in debug builds.
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await services.run() } catch { portContinuation.yield(.failure(error)) }
                    portContinuation.finish()
                }
                if let bookmarkInterval {
                    group.addTask {
                        while (try? await Task.sleep(for: bookmarkInterval)) != nil { cluster.sendBookmarks() }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        running.withLock {
            $0.task = task; $0.group = services
        }
        for await result in ports {
            let bound = try result.get()
            running.withLock { $0.port = bound }
            return bound
        }
        throw FakeServerNotStarted()
    }

    /// Ends every watch and stops the server: gracefully, or by
    /// cancellation if that has not finished within two seconds.
    package func stop() async {
        cluster.dropWatches(abruptly: false)
        let (task, services) = running.withLock { state in
            defer { state = (nil, nil, nil) }
            return (state.task, state.group)
        }
        guard let task else { return }
        let fallback = Task {
            try await Task.sleep(for: .seconds(2))
            task.cancel()
        }
        await services?.triggerGracefulShutdown()
        await task.value
        fallback.cancel()
    }
}

struct FakeServerNotStarted: Error {}
