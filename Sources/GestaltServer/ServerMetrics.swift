import GestaltEngine
import GestaltStreaming
package import Prometheus

/// The server's own Prometheus figures. Gauges that mirror the store are set
/// at scrape time, so the hot path pays nothing for them; stream totals are
/// counters (`…_total`, `# TYPE counter`) advanced at scrape time from the
/// totals `StreamStats` keeps.
package final class ServerMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let revision: Gauge
    private let entities: Gauge
    private let connections: Gauge
    private let eventSeq: Gauge
    private let active: [StreamTransport: [StreamChannel: Gauge]]
    private let connectionsByTransport: [StreamTransport: Gauge]
    private let disconnects: [DisconnectReason: ScrapedCounter]
    private let maxLag: Gauge
    private let lagging: Gauge
    private let messages: ScrapedCounter
    private let bytes: ScrapedCounter
    private let coalesced: ScrapedCounter
    private let resyncs: ScrapedCounter

    /// - Parameter registry: share it with `PrometheusMetricsFactory` so
    ///   swift-metrics figures (HTTP requests) land on the same page.
    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metric: String, _ help: String, unit: String = "") -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "gestalt", metricName: metric, unitName: unit, helpText: help)
        }
        func gauge(_ metric: String, _ help: String) -> Gauge { registry.makeGauge(descriptor: name(metric, help)) }
        func counter(_ metric: String, _ help: String, labels: [(String, String)] = []) -> ScrapedCounter {
            ScrapedCounter(registry.makeCounter(descriptor: name(metric, help, unit: "total"), labels: labels))
        }
        revision = gauge("topology_revision", "Current topology revision")
        entities = gauge("topology_entities", "Entities in the topology")
        connections = gauge("topology_connections", "Connections in the topology")
        eventSeq = gauge("events_seq", "Sequence number of the newest event")
        var active: [StreamTransport: [StreamChannel: Gauge]] = [:]
        var connectionsByTransport: [StreamTransport: Gauge] = [:]
        for transport in StreamTransport.allCases {
            for channel in StreamChannel.allCases {
                active[transport, default: [:]][channel] = registry.makeGauge(
                    descriptor: name("stream_active_clients", "Connected stream clients per channel"),
                    labels: [("transport", transport.rawValue), ("channel", channel.rawValue)]
                )
            }
            connectionsByTransport[transport] = registry.makeGauge(
                descriptor: name("stream_connections", "Open stream connections"),
                labels: [("transport", transport.rawValue)]
            )
        }
        self.active = active
        self.connectionsByTransport = connectionsByTransport
        var disconnects: [DisconnectReason: ScrapedCounter] = [:]
        for reason in DisconnectReason.allCases {
            disconnects[reason] = counter(
                "stream_disconnects", "Ended streams by reason", labels: [("reason", reason.rawValue)])
        }
        self.disconnects = disconnects
        // Per-client lag is in /api/infra/subscriptions; a label per client
        // would grow the page without bound.
        maxLag = gauge("stream_client_lag_max", "Largest revision lag of any topology client")
        lagging = gauge("stream_clients_lagging", "Topology clients behind the store's revision")
        messages = counter("stream_messages_sent", "Stream messages delivered to clients")
        bytes = counter("stream_bytes_sent", "Stream bytes delivered to clients")
        coalesced = counter("stream_coalesced", "Superseded updates dropped for slow clients")
        resyncs = counter("stream_resyncs", "Fresh full snapshots sent to clients that fell behind")
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
        for (reason, counter) in disconnects { counter.advance(to: stats.disconnectsByReason[reason] ?? 0) }
        maxLag.set(Double(snapshot.maxLag))
        lagging.set(Double(snapshot.clients.filter { ($0.lag ?? 0) > 0 }.count))
        messages.advance(to: stats.messagesSent)
        bytes.advance(to: stats.bytesSent)
        coalesced.advance(to: stats.coalesced)
        resyncs.advance(to: stats.resyncs)
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
        var text =
            "# HELP \(name) Store to client socket delay of topology updates, per message (event-loop fan-out clients)\n"
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
