import Foundation
import GestaltModel
import HummingbirdWSClient
import Logging
import NIOCore

/// One WebSocket client of the load tool: connects to `/api/infra/ws`,
/// subscribes to the topology channel, answers the server's `ping` messages
/// with `pong`, and counts `topology` messages. A measuring client also
/// records change → client latency from the payload's `timestamp` (the
/// envelope writes the payload before its own timestamp, so the first
/// `"timestamp"` of a message is the update's), like the SSE clients.
///
/// It reads frames, not assembled messages: a `full` larger than 16 KiB
/// arrives as continuation frames, and only a measuring client keeps the
/// bytes of a message; the others look at the first frame's type alone.
enum WebSocketLoadClient {
    static let subscribe = #"{"type":"subscribe","payload":{"channels":["topology"]}}"#
    static let pong = #"{"type":"pong"}"#
    static let topologyPrefix: [UInt8] = Array(#"{"type":"topology""#.utf8)
    static let pingPrefix: [UInt8] = Array(#"{"type":"ping""#.utf8)

    /// `http://host:port` → `ws://host:port/api/infra/ws`.
    static func endpoint(base: String) -> String {
        var url = base
        if url.hasPrefix("https://") { url = "wss://" + url.dropFirst(8) } else if url.hasPrefix("http://") { url = "ws://" + url.dropFirst(7) }
        while url.hasSuffix("/") { url.removeLast() }
        return url + "/api/infra/ws"
    }

    /// Runs one client until the connection ends or the task is cancelled.
    static func run(url: String, counters: LoadCounters, measure: Bool) async throws {
        var logger = Logger(label: "bench-ws")
        logger.logLevel = .critical
        try await WebSocketClient.connect(
            url: url,
            configuration: .init(maxFrameSize: 1 << 20),
            logger: logger
        ) { inbound, outbound, _ in
            try await outbound.write(.text(subscribe))
            counters.connected.add(1, ordering: .relaxed)
            defer { counters.connected.subtract(1, ordering: .relaxed) }
            var latencies: [Double] = []
            var message: [UInt8] = []
            var isTopology = false
            for try await frame in inbound {
                let now = Timestamp.now().millisecondsSince1970
                if frame.opcode != .continuation {
                    isTopology = starts(frame.data, with: topologyPrefix)
                    message.removeAll(keepingCapacity: true)
                    if !isTopology, starts(frame.data, with: pingPrefix) { try await outbound.write(.text(pong)) }
                }
                guard isTopology else { continue }
                if measure { message.append(contentsOf: frame.data.readableBytesView) }
                guard frame.fin else { continue }
                counters.messages.add(1, ordering: .relaxed)
                if measure, let stamp = SSEScanner.timestampMilliseconds(in: message[...]) {
                    latencies.append(Double(now - stamp))
                    if latencies.count >= 32 {
                        counters.latencies.withLock { $0.append(contentsOf: latencies) }
                        latencies.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
    }

    static func starts(_ buffer: ByteBuffer, with prefix: [UInt8]) -> Bool {
        guard buffer.readableBytes >= prefix.count else { return false }
        return buffer.readableBytesView.prefix(prefix.count).elementsEqual(prefix)
    }
}
