import Metrics

/// The bridge's figures as swift-metrics counters, so they land on `/metrics`
/// (the Prometheus factory `gestalt serve` bootstraps) and in OTLP when that
/// is on. Each is a `…_total` counter (docs/NATS.md, "Graph events over NATS").
struct GraphEventsNATSMetrics: Sendable {
    /// Why an event was lost; the `reason` label of `gestalt_graph_events_dropped_total`.
    enum DropReason: String, CaseIterable {
        /// `emit` found the outbox full (NATS slower than the graph API, or never connected).
        case outboxFull = "outbox_full"
        /// The client refused the publish: disconnected past its pending bound, or closed.
        case natsRefused = "nats_refused"
        /// The `graph.>` subscription's pending limit dropped received events (a slow bridge).
        case slowConsumer = "slow_consumer"
    }

    let published: Counter
    let received: Counter
    let rejected: Counter
    let dropped: [DropReason: Counter]
    /// 1 while subscribed on a live connection, 0 while NATS is away.
    let connected: Gauge
    let reconnects: Counter

    init(factory: any MetricsFactory) {
        connected = Gauge(label: "gestalt_graph_events_nats_connected", factory: factory)
        reconnects = Counter(label: "gestalt_graph_events_nats_reconnects_total", factory: factory)
        published = Counter(label: "gestalt_graph_events_published_total", factory: factory)
        received = Counter(label: "gestalt_graph_events_received_total", factory: factory)
        rejected = Counter(label: "gestalt_graph_events_rejected_total", factory: factory)
        var dropped: [DropReason: Counter] = [:]
        for reason in DropReason.allCases {
            dropped[reason] = Counter(
                label: "gestalt_graph_events_dropped_total", dimensions: [("reason", reason.rawValue)], factory: factory
            )
        }
        self.dropped = dropped
    }

    func drop(_ reason: DropReason, count: Int = 1) {
        dropped[reason]?.increment(by: count)
    }
}
