import Foundation
package import GestaltConfig
package import Logging
package import Metrics

/// The configured channels, each its own queue: a slow Slack never delays
/// PagerDuty. Routes each transition to the channels its rule names (all
/// configured ones when it names none).
package struct AlertDelivery: Sendable {
    package let queues: [AlertChannel: WebhookQueue]
    private let pagerDutyKey: String?

    /// - Parameter metrics: where each queue's delivery counters go (`DeliveryCounters`).
    package init(
        settings: AlertSettings, post: any WebhookPoster, options: WebhookQueue.Options = WebhookQueue.Options(),
        logger: Logger = Logger(label: "gestalt.alerts"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        func queue(_ name: String, _ url: URL) -> WebhookQueue {
            WebhookQueue(name: name, url: url, post: post, options: options, logger: logger, metrics: metrics)
        }
        var queues: [AlertChannel: WebhookQueue] = [:]
        if let url = settings.slackURL { queues[.slack] = queue("slack", url) }
        if settings.pagerDutyKey != nil { queues[.pagerduty] = queue("pagerduty", settings.pagerDutyURL) }
        if let url = settings.webhookURL { queues[.webhook] = queue("webhook", url) }
        self.queues = queues
        self.pagerDutyKey = settings.pagerDutyKey
    }

    package func deliver(_ transition: AlertTransition) {
        let wanted = transition.alert.channels
        for (channel, queue) in queues where wanted.isEmpty || wanted.contains(channel) {
            switch channel {
            case .slack: queue.enqueue(AlertPayloads.slack(transition))
            case .pagerduty: queue.enqueue(AlertPayloads.pagerDuty(transition, routingKey: pagerDutyKey ?? ""))
            case .webhook: queue.enqueue(AlertPayloads.webhook(transition))
            }
        }
    }

    /// Runs every queue until cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            for queue in queues.values { group.addTask { await queue.run() } }
        }
    }
}
