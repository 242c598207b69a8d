import GestaltEngine
import GestaltStreaming
import NIOCore
import Synchronization

/// One client of `GET /api/infra/alerts/stream`: `event: connected` with the
/// current list, then `event: alert` per transition the registry broadcasts,
/// and `: keepalive` when idle. It observes the store's event signal, which
/// the server's one keepalive ticker ticks and shutdown closes.
final class AlertFeed: SSEFeed {
    fileprivate enum Item: Sendable {
        case alert([UInt8])
        case tick
    }

    /// Read when the stream starts, which is after the feed is registered for
    /// broadcasts: a transition in between shows in the list, the stream or
    /// both (the client keys alerts by id), never in neither.
    private let current: @Sendable () -> [UInt8]
    private let options: StreamOptions
    private let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let tickQueued: TickGate
    private let observation: ChangeSignal.Observation

    init(current: @escaping @Sendable () -> [UInt8], signal: ChangeSignal, options: StreamOptions) {
        self.current = current
        self.options = options
        // A reader 256 transitions behind misses the oldest (the list route has
        // them); one more place is for the single tick the gate lets in.
        let (items, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(257))
        let gate = TickGate()
        self.items = items
        self.continuation = continuation
        self.tickQueued = gate
        observation = signal.observe { wake in
            switch wake {
            case .closed: continuation.finish()
            case .tick: if gate.claim() { continuation.yield(.tick) }
            case .changed: break
            }
        }
    }

    deinit { observation.cancel() }

    var deliver: (@Sendable (BroadcastMessage) -> Void)? {
        let continuation = continuation
        return { message in if message.type == "alert" { continuation.yield(.alert(message.payload)) } }
    }

    func cancel() {
        observation.cancel()
        continuation.finish()
    }

    func run(connection: StreamConnection?, _ write: (ByteBuffer) async throws -> Void) async throws {
        var buffer = ByteBuffer()
        SSEFrame.retry(milliseconds: options.retryMilliseconds, into: &buffer)
        SSEFrame.event("connected", json: current(), into: &buffer)
        try await write(buffer)
        var lastWrite = ContinuousClock.now
        for await item in items {
            buffer.clear()
            var messages = 0
            switch item {
            case .alert(let payload):
                SSEFrame.event("alert", json: payload, into: &buffer)
                messages = 1
            case .tick:
                tickQueued.release()
                guard ContinuousClock.now - lastWrite >= options.keepalive else { continue }
                SSEFrame.keepalive(into: &buffer)
            }
            connection?.writeStarted(bytes: buffer.readableBytes)
            try await write(buffer)
            connection?.writeFinished(messages: messages, bytes: buffer.readableBytes)
            lastWrite = .now
        }
    }
}

/// Lets at most one tick wait in the feed's buffer, so a reader that stalls
/// for minutes finds its alerts there, not a pile of ticks that pushed them out.
private final class TickGate: Sendable {
    private let queued = Atomic(false)

    func claim() -> Bool { queued.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged }
    func release() { queued.store(false, ordering: .relaxed) }
}
