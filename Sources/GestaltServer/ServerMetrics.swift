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
    private let activeTopology: Gauge
    private let activeEvents: Gauge
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
        activeTopology = registry.makeGauge(name: "gestalt_stream_active_clients", labels: [("transport", "sse"), ("channel", "topology")], help: "Connected stream clients")
        activeEvents = registry.makeGauge(name: "gestalt_stream_active_clients", labels: [("transport", "sse"), ("channel", "events")], help: "Connected stream clients")
        messages = gauge("stream_messages_sent", "Stream messages delivered to clients (counter)")
        bytes = gauge("stream_bytes_sent", "Stream bytes delivered to clients (counter)")
        coalesced = gauge("stream_coalesced", "Superseded updates dropped for slow clients (counter)")
        resyncs = gauge("stream_resyncs", "Fresh full snapshots sent to clients that fell behind (counter)")
    }

    func exposition(store: TopologyStore, stats: StreamStats.Snapshot) -> [UInt8] {
        revision.set(Double(store.revision))
        entities.set(Double(store.entityCount))
        connections.set(Double(store.connectionCount))
        eventSeq.set(Double(store.eventSeq))
        activeTopology.set(Double(stats.activeTopologyStreams))
        activeEvents.set(Double(stats.activeEventStreams))
        messages.set(Double(stats.messagesSent))
        bytes.set(Double(stats.bytesSent))
        coalesced.set(Double(stats.coalesced))
        resyncs.set(Double(stats.resyncs))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
