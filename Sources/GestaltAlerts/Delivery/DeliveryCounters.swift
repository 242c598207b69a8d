import Metrics

/// One channel's delivery figures as swift-metrics counters, labelled
/// `channel` (slack, pagerduty, webhook). Made when the queue is, so each
/// shows on `/metrics` at 0 before anything happens.
struct DeliveryCounters: Sendable {
    /// Notifications the receiver took (a 2xx).
    let sent: Counter
    /// Notifications given up on: tries used up, or a 4xx that asking again will not fix.
    let failed: Counter
    /// Attempts after a failed one (a transport error, 5xx, 408 or 429).
    let retried: Counter
    /// Notifications pushed out of a full queue.
    let dropped: Counter

    init(channel: String, factory: any MetricsFactory) {
        func counter(_ what: String) -> Counter {
            Counter(
                label: "gestalt_alert_notifications_\(what)_total", dimensions: [("channel", channel)], factory: factory
            )
        }
        sent = counter("sent")
        failed = counter("failed")
        retried = counter("retried")
        dropped = counter("dropped")
    }
}
