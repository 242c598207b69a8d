import GestaltModel
import NIOCore
import NIOHTTP1

/// One SSE client of the load tool, all on its channel's event loop: no
/// task per client, so with 1,000 clients on the server's own two cores the
/// tool's overhead stays out of the latency it measures.
final class SSELoadClient: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let counters: LoadCounters
    private let measure: Bool
    private var scanner: SSEMessageCounter
    private var latencies = LatencyBuffer()
    private var counted = false

    init(host: String, counters: LoadCounters, measure: Bool) {
        self.host = host
        self.counters = counters
        self.measure = measure
        self.scanner = SSEMessageCounter(keepBytes: measure)
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Accept", value: "text/event-stream")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/infra/topology/stream", headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status == .ok else {
                counters.noteError("HTTP \(head.status.code)")
                context.close(promise: nil)
                return
            }
            counted = true
            counters.connected.add(1, ordering: .relaxed)
        case .body(let chunk):
            let now = Timestamp.now().millisecondsSince1970
            var count = 0
            scanner.feed(chunk) { bytes in
                count += 1
                if let bytes, let stamp = SSEScanner.timestampMilliseconds(in: bytes) { latencies.add(Double(now - stamp), to: counters) }
            }
            counters.messages.add(count, ordering: .relaxed)
        case .end:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted { counters.connected.subtract(1, ordering: .relaxed) }
        counted = false
        latencies.flush(to: counters)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.noteError(error)
        context.close(promise: nil)
    }
}

/// Latencies gathered per client and handed to the shared counters in
/// groups, so clients rarely contend for its lock.
struct LatencyBuffer {
    private var values: [Double] = []

    mutating func add(_ value: Double, to counters: LoadCounters) {
        values.append(value)
        if values.count >= 32 { flush(to: counters) }
    }

    mutating func flush(to counters: LoadCounters) {
        guard !values.isEmpty else { return }
        counters.latencies.withLock { [values] in $0.append(contentsOf: values) }
        values.removeAll(keepingCapacity: true)
    }
}
