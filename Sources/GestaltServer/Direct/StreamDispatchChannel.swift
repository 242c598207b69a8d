import HummingbirdCore
import Logging
import NIOCore

/// The server's connections: each one's first request is either served by
/// `DirectStreams`, after which the connection needs no task at all, or
/// handed to Hummingbird's own channel (`inner`), which then runs as usual.
///
/// Hummingbird gives every connection a task for its whole life, and a task
/// keeps every async-frame block it ever used; for thousands of idle stream
/// clients that task and its pipeline were most of their memory.
struct StreamDispatchChannel<Inner: ServerChildChannel>: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let route: EventLoopFuture<FirstRequestRoute>
    }

    let inner: Inner
    let direct: DirectStreams
    /// With auth on: judges a WebSocket upgrade's token before anything
    /// upgrades it, so a refusal is an HTTP 401/403 (`UpgradeGate`).
    var gate: TokenVerifier?

    /// The first read of a connection is 256 bytes, not NIO's 2,048, and
    /// grows by doubling when a read fills it. The channel keeps its last
    /// receive buffer for as long as it lives, and a stream client sends its
    /// request and then nothing: at NIO's default that buffer was 2 KiB of
    /// an idle SSE client's 6 (heaptrack, docs/BENCHMARKS.md). A browser's
    /// request of 600 bytes, read as 256 then 512, leaves 768 bytes behind.
    static var receiveAllocator: AdaptiveRecvByteBufferAllocator { .init(minimum: 64, initial: 256, maximum: 65_536) }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveAllocator)
            let routed = channel.eventLoop.makePromise(of: FirstRequestRoute.self)
            if let gate { try channel.pipeline.syncOperations.addHandler(UpgradeGate(verifier: gate, logger: logger)) }
            try channel.pipeline.syncOperations.addHandler(FirstRequestSniffer(direct: direct, routed: routed))
            return Value(channel: channel, route: routed.futureResult)
        }
    }

    /// The connection's task runs on its channel's event loop (`EventLoopTaskExecutor`).
    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await serve(value: value, logger: logger)
        }
    }

    private func serve(value: Value, logger: Logger) async {
        // Closed before a whole request came in: nothing to answer.
        guard let route = try? await value.route.get() else { return }
        guard case .router(let sniffer) = route else { return }
        let channel = value.channel
        let prepared = channel.eventLoop.flatSubmit {
            inner.setup(channel: channel, logger: logger).flatMapThrowing { innerValue in
                let context = try channel.pipeline.syncOperations.context(handler: sniffer.value)
                sniffer.value.release(context: context)
                return innerValue
            }
        }
        do {
            let innerValue = try await prepared.get()
            await inner.handle(value: innerValue, logger: logger)
        } catch {
            logger.debug("connection closed before it could be served", metadata: ["error": "\(error)"])
            channel.close(promise: nil)
        }
    }
}
