public import GestaltConfig
import Foundation
import Logging

/// The configured channels, each its own queue: a slow Slack never delays
/// PagerDuty. Routes each transition to the channels its rule names (all
/// configured ones when it names none).
public struct AlertDelivery: Sendable {
    public let queues: [AlertChannel: WebhookQueue]
    private let pagerDutyKey: String?

    public init(settings: AlertSettings, post: any WebhookPoster, options: WebhookQueue.Options = WebhookQueue.Options(), logger: Logger = Logger(label: "gestalt.alerts")) {
        var queues: [AlertChannel: WebhookQueue] = [:]
        if let url = settings.slackURL { queues[.slack] = WebhookQueue(name: "slack", url: url, post: post, options: options, logger: logger) }
        if settings.pagerDutyKey != nil {
            queues[.pagerduty] = WebhookQueue(name: "pagerduty", url: settings.pagerDutyURL, post: post, options: options, logger: logger)
        }
        if let url = settings.webhookURL { queues[.webhook] = WebhookQueue(name: "webhook", url: url, post: post, options: options, logger: logger) }
        self.queues = queues
        self.pagerDutyKey = settings.pagerDutyKey
    }

    public func deliver(_ transition: AlertTransition) {
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
    public func run() async {
        await withDiscardingTaskGroup { group in
            for queue in queues.values { group.addTask { await queue.run() } }
        }
    }
}
