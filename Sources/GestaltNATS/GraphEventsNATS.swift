public import GestaltEngine
import NATSClient
import NIOCore
import Synchronization

/// Carries graph events over NATS: `emit` queues what the graph API changed
/// and `run` publishes it on the seed's subjects, while a `graph.>`
/// subscription fills the log the SSE bridge reads. Its own events come back
/// through NATS too, so every server on the same NATS server sees the same
/// stream.
public final class GraphEventsNATS: Sendable {
    public let log: GraphEventLog
    /// How many events may wait for NATS; beyond it `emit` drops and counts.
    public let bufferLimit: Int
    private let stream: AsyncStream<GraphEvent>
    private let outbox: AsyncStream<GraphEvent>.Continuation
    private let counters = Mutex((published: 0, dropped: 0))

    public init(log: GraphEventLog = GraphEventLog(), bufferLimit: Int = 1024) {
        self.log = log
        self.bufferLimit = bufferLimit
        (stream, outbox) = AsyncStream.makeStream(of: GraphEvent.self, bufferingPolicy: .bufferingOldest(bufferLimit))
    }

    /// Never waits: the request path only hands the event over.
    public func emit(_ event: GraphEvent) {
        if case .dropped = outbox.yield(event) { counters.withLock { $0.dropped += 1 } }
    }

    public var published: Int { counters.withLock { $0.published } }
    /// Events lost: the buffer was full, or NATS refused them (disconnected past its own bound).
    public var dropped: Int { counters.withLock { $0.dropped } }

    /// Connects (retrying until it can), subscribes and publishes until cancelled.
    public func run(options: NATSConnectionOptions) async {
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
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [log] in
                    guard let subscription = try? await connection.subscribe(to: "graph.>") else { return }
                    for await message in subscription {
                        if let event = GraphEvent(subject: message.subject, payload: Array(message.payload.readableBytesView)) {
                            log.append(event)
                        }
                    }
                }
                group.addTask { [self] in
                    for await event in stream {
                        do {
                            try await connection.publish(ByteBuffer(bytes: event.json), to: event.subject)
                            counters.withLock { $0.published += 1 }
                        } catch {
                            counters.withLock { $0.dropped += 1 }
                        }
                    }
                }
            }
        } onCancel: { [outbox] in
            outbox.finish()
            Task { await connection.close() }
        }
    }
}
