package import GestaltEngine
package import Metrics
package import NATSClient
import NIOCore
import Synchronization

/// Carries graph events over NATS: `emit` queues what the graph API changed
/// and `run` publishes it on the seed's subjects, while a `graph.>`
/// subscription fills the log the SSE bridge reads. Its own events come back
/// through NATS too, so every server on the same NATS server sees the same
/// stream; nothing received is published again, so servers never echo.
///
/// While NATS is down the client buffers publishes up to its
/// `maxPendingOutgoingBytes` (8 MiB by default) and sends them after it
/// reconnects and re-subscribes; past that bound they are dropped and counted.
package final class GraphEventsNATS: Sendable {
    package let log: GraphEventLog
    /// How many events may wait for NATS; beyond it `emit` drops and counts.
    package let bufferLimit: Int
    private let stream: AsyncStream<GraphEvent>
    private let outbox: AsyncStream<GraphEvent>.Continuation
    private let metrics: GraphEventsNATSMetrics
    private let state = Mutex(State())

    private struct State {
        var published = 0
        var received = 0
        var rejected = 0
        var dropped = 0
        var connection: NATSConnection?
        var subscribed = false
    }

    /// - Parameter metrics: where the counters go; `gestalt serve` bootstraps
    ///   the global factory with Prometheus, tests pass one of their own.
    package init(
        log: GraphEventLog = GraphEventLog(), bufferLimit: Int = 1024,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.log = log
        self.bufferLimit = bufferLimit
        self.metrics = GraphEventsNATSMetrics(factory: metrics)
        (stream, outbox) = AsyncStream.makeStream(of: GraphEvent.self, bufferingPolicy: .bufferingOldest(bufferLimit))
    }

    /// Never waits: the request path only hands the event over.
    package func emit(_ event: GraphEvent) {
        if case .dropped = outbox.yield(event) { drop(.outboxFull) }
    }

    /// Events handed to the NATS client (sent, or buffered while reconnecting).
    package var published: Int { state.withLock { $0.published } }
    /// Graph events that came in on `graph.>` and went into the log.
    package var received: Int { state.withLock { $0.received } }
    /// Messages on `graph.>` that were not graph events (unknown subject, not a JSON object).
    package var rejected: Int { state.withLock { $0.rejected } }
    /// Events lost: the outbox was full, NATS refused them (disconnected past
    /// its own bound), or the subscription dropped them as a slow consumer.
    package var dropped: Int { state.withLock { $0.dropped } }
    /// Subscribed to `graph.>` on a live connection: the bridge is fed.
    package var isSubscribed: Bool {
        state.withLock { $0.subscribed && $0.connection?.status == .connected }
    }

    /// Connects (retrying until it can), subscribes and publishes until cancelled.
    package func run(options: NATSConnectionOptions) async {
        var delay = Duration.milliseconds(100)
        var connection: NATSConnection?
        while connection == nil, !Task.isCancelled {
            connection = try? await NATSConnection.connect(options)
            if connection == nil {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        guard let connection else { return }
        state.withLock { $0.connection = connection }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in await receive(on: connection) }
                group.addTask { [self] in await watch(connection) }
                group.addTask { [self] in
                    for await event in stream {
                        do {
                            try await connection.publish(ByteBuffer(bytes: event.json), to: event.subject)
                            state.withLock { $0.published += 1 }
                            metrics.published.increment()
                        } catch {
                            drop(.natsRefused)
                        }
                    }
                }
            }
        } onCancel: { [outbox] in
            outbox.finish()
            Task { await connection.close() }
        }
        state.withLock { $0.subscribed = false }
        metrics.connected.record(0)
    }

    /// Mirrors the connection on `/metrics` twice a second: the client has no
    /// status callbacks, and a scrape every few seconds needs no more.
    private func watch(_ connection: NATSConnection) async {
        var reconnects = 0
        while !Task.isCancelled, connection.status != .closed {
            metrics.connected.record(isSubscribed ? 1 : 0)
            let now = connection.statistics.reconnects
            if now > reconnects {
                metrics.reconnects.increment(by: now - reconnects)
                reconnects = now
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func receive(on connection: NATSConnection) async {
        guard let subscription = try? await connection.subscribe(to: "graph.>") else { return }
        // The SUB is on the server once the round trip returns: from here on nothing published is missed.
        try? await connection.flush()
        state.withLock { $0.subscribed = true }
        var slowDropped = 0
        for await message in subscription {
            if let event = GraphEvent(subject: message.subject, payload: Array(message.payload.readableBytesView)) {
                log.append(event)
                state.withLock { $0.received += 1 }
                metrics.received.increment()
            } else {
                state.withLock { $0.rejected += 1 }
                metrics.rejected.increment()
            }
            // The subscription counts what its pending limit threw away; carry it over as it grows.
            let nowDropped = subscription.dropped
            if nowDropped > slowDropped {
                drop(.slowConsumer, count: nowDropped - slowDropped)
                slowDropped = nowDropped
            }
        }
    }

    private func drop(_ reason: GraphEventsNATSMetrics.DropReason, count: Int = 1) {
        state.withLock { $0.dropped += count }
        metrics.drop(reason, count: count)
    }
}
