import GestaltModel
import NIOCore
import NIOHTTP1
import Synchronization

/// One SSE client of the load tool, all on its channel's event loop: no
/// task per client, so with 1,000 clients on the server's own two cores the
/// tool's overhead stays out of the latency it measures.
final class SSELoadClient: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let path: String
    private let counters: LoadCounters
    private let measure: Bool
    private var scanner: SSEMessageCounter
    private var tally: ClientTally

    init(host: String, path: String = "/api/infra/topology/stream", counters: LoadCounters, measure: Bool) {
        self.host = host
        self.path = path
        self.counters = counters
        self.tally = ClientTally(counters: counters)
        self.measure = measure
        self.scanner = SSEMessageCounter(keepBytes: measure)
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Accept", value: "text/event-stream")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
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
            tally.connected()
        case .body(let chunk):
            let now = Timestamp.now().millisecondsSince1970
            var count = 0
            scanner.feed(chunk) { bytes in
                count += 1
                if let bytes, let stamp = SSEScanner.timestampMilliseconds(in: bytes) {
                    tally.latency(Double(now - stamp))
                }
            }
            counters.messages.add(count, ordering: .relaxed)
        case .end:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tally.ended()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        counters.noteError(error)
        context.close(promise: nil)
    }
}

/// One load client's share of the counters: whether it counts as
/// connected, and its latencies, handed over in groups so that clients
/// rarely contend for the shared lock.
struct ClientTally {
    let counters: LoadCounters
    private var values: [Double] = []
    private var counted = false

    init(counters: LoadCounters) { self.counters = counters }

    mutating func connected() {
        counted = true
        counters.connected.add(1, ordering: .relaxed)
    }

    mutating func latency(_ milliseconds: Double) {
        values.append(milliseconds)
        if values.count >= 32 { flush() }
    }

    /// The connection went: it no longer counts, and its latencies are handed over.
    mutating func ended() {
        if counted { counters.connected.subtract(1, ordering: .relaxed) }
        counted = false
        flush()
    }

    private mutating func flush() {
        guard !values.isEmpty else { return }
        counters.latencies.withLock { [values] in $0.append(contentsOf: values) }
        values.removeAll(keepingCapacity: true)
    }
}
