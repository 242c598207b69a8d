import GestaltEngine
import GestaltStreaming
public import Prometheus

/// The server's own Prometheus figures. Gauges that mirror the store are set
/// at scrape time, so the hot path pays nothing for them.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let revision: Gauge
    private let entities: Gauge
    private let connections: Gauge
    private let eventSeq: Gauge
    private let active: [StreamTransport: [StreamChannel: Gauge]]
    private let connectionsByTransport: [StreamTransport: Gauge]
    private let disconnects: [DisconnectReason: Gauge]
    private let maxLag: Gauge
    private let lagging: Gauge
    private let messages: Gauge
    private let bytes: Gauge
    private let coalesced: Gauge
    private let resyncs: Gauge

    /// - Parameter registry: share it with `PrometheusMetricsFactory` so
    ///   swift-metrics figures (HTTP requests) land on the same page.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func gauge(_ name: String, _ help: String) -> Gauge { registry.makeGauge(name: "gestalt_\(name)", help: help) }
        revision = gauge("topology_revision", "Current topology revision")
        entities = gauge("topology_entities", "Entities in the topology")
        connections = gauge("topology_connections", "Connections in the topology")
        eventSeq = gauge("events_seq", "Sequence number of the newest event")
        var active: [StreamTransport: [StreamChannel: Gauge]] = [:]
        var connectionsByTransport: [StreamTransport: Gauge] = [:]
        for transport in StreamTransport.allCases {
            for channel in StreamChannel.allCases {
                active[transport, default: [:]][channel] = registry.makeGauge(
                    name: "gestalt_stream_active_clients", labels: [("transport", transport.rawValue), ("channel", channel.rawValue)],
                    help: "Connected stream clients per channel"
                )
            }
            connectionsByTransport[transport] = registry.makeGauge(
                name: "gestalt_stream_connections", labels: [("transport", transport.rawValue)], help: "Open stream connections"
            )
        }
        self.active = active
        self.connectionsByTransport = connectionsByTransport
        var disconnects: [DisconnectReason: Gauge] = [:]
        for reason in DisconnectReason.allCases {
            disconnects[reason] = registry.makeGauge(
                name: "gestalt_stream_disconnects", labels: [("reason", reason.rawValue)], help: "Ended streams by reason (counter)"
            )
        }
        self.disconnects = disconnects
        // Per-client lag is in /api/infra/subscriptions; a label per client
        // would grow the page without bound.
        maxLag = gauge("stream_client_lag_max", "Largest revision lag of any topology client")
        lagging = gauge("stream_clients_lagging", "Topology clients behind the store's revision")
        messages = gauge("stream_messages_sent", "Stream messages delivered to clients (counter)")
        bytes = gauge("stream_bytes_sent", "Stream bytes delivered to clients (counter)")
        coalesced = gauge("stream_coalesced", "Superseded updates dropped for slow clients (counter)")
        resyncs = gauge("stream_resyncs", "Fresh full snapshots sent to clients that fell behind (counter)")
    }

    func exposition(store: TopologyStore, stats: StreamStats.Snapshot, registry snapshot: RegistrySnapshot) -> [UInt8] {
        revision.set(Double(store.revision))
        entities.set(Double(store.entityCount))
        connections.set(Double(store.connectionCount))
        eventSeq.set(Double(store.eventSeq))
        for (transport, channels) in active {
            for (channel, gauge) in channels { gauge.set(Double(snapshot.active(transport, channel))) }
            connectionsByTransport[transport]?.set(Double(snapshot.connections[transport] ?? 0))
        }
        for (reason, gauge) in disconnects { gauge.set(Double(stats.disconnectsByReason[reason] ?? 0)) }
        maxLag.set(Double(snapshot.maxLag))
        lagging.set(Double(snapshot.clients.filter { ($0.lag ?? 0) > 0 }.count))
        messages.set(Double(stats.messagesSent))
        bytes.set(Double(stats.bytesSent))
        coalesced.set(Double(stats.coalesced))
        resyncs.set(Double(stats.resyncs))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        buffer.append(contentsOf: Self.histogram(stats.fanoutDelay).utf8)
        return buffer
    }

    /// The fan-out delay as a Prometheus histogram. The registry's histograms
    /// are observed one value at a time; this one is kept in `StreamStats`
    /// (under the lock the hot path already takes) and written out at scrape.
    static func histogram(_ delay: DelayHistogram) -> String {
        let name = "gestalt_stream_fanout_delay_seconds"
        var text = "# HELP \(name) Store to client socket delay of topology updates, per message (event-loop fan-out clients)\n"
        text += "# TYPE \(name) histogram\n"
        var cumulative: UInt64 = 0
        for (index, count) in delay.counts.enumerated() {
            cumulative += count
            let le = DelayHistogram.upperBound(ofBucket: index).map { String(Double($0) / 1000) } ?? "+Inf"
            text += "\(name)_bucket{le=\"\(le)\"} \(cumulative)\n"
        }
        text += "\(name)_sum \(Double(delay.sumMilliseconds) / 1000)\n\(name)_count \(delay.count)\n"
        return text
    }
}
