import Foundation
import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import TestPeers
import Testing

/// Alert delivery counters are on the server's `/metrics` page, per channel,
/// after real deliveries to a real receiver on 127.0.0.1.
@Suite struct AlertMetricsTests {
    /// Answers each path's queued statuses first, then 200.
    final class Receiver: Sendable {
        let statuses: Mutex<[String: [Int]]>
        init(_ statuses: [String: [Int]]) { self.statuses = Mutex(statuses) }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.post("**") { request, _ -> Response in
                _ = try await request.body.collect(upTo: 1 << 20)
                let status = self.statuses.withLock { all in
                    all[request.uri.path]?.isEmpty == false ? all[request.uri.path]!.removeFirst() : 200
                }
                return Response(status: .init(code: status))
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    static let alert = Alert(
        signal: AlertSignal(rule: "source-down", subject: "k8s", severity: .critical, summary: "source k8s is down"),
        state: .firing, activeAt: Timestamp(millisecondsSince1970: 1_796_000_000_000)
    )

    @Test func sentFailedRetriedAndDroppedPerChannel() async throws {
        // Webhook: 500 then 200 (one retry, then sent). Slack: 404 (failed, not retried). PagerDuty: 200.
        let receiver = Receiver(["/hook": [500], "/slack": [404]])
        try await receiver.application().test(.live) { hooks in
            let hookPort = try #require(hooks.port)
            let settings = AlertSettings(
                enabled: true, slackURL: URL(string: "http://127.0.0.1:\(hookPort)/slack"), pagerDutyKey: "KEY",
                pagerDutyURL: URL(string: "http://127.0.0.1:\(hookPort)/pd")!,
                webhookURL: URL(string: "http://127.0.0.1:\(hookPort)/hook")
            )
            var options = WebhookQueue.Options()
            // One place per queue: the second notification, queued before the queues run, pushes out the first.
            options.capacity = 1
            options.backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100), resetAfter: .seconds(60))
            let server = makeServer()
            let delivery = AlertDelivery(
                settings: settings, post: HTTPWebhookPoster(), options: options,
                metrics: PrometheusMetricsFactory(registry: server.metrics.registry)
            )
            try await server.application().test(.live) { client in
                let port = try #require(client.port)
                let before = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
                for channel in ["slack", "pagerduty", "webhook"] {
                    for what in ["sent", "failed", "retried", "dropped"] {
                        #expect(
                            before.contains(#"gestalt_alert_notifications_\#(what)_total{channel="\#(channel)"} 0"#),
                            "\(what) \(channel)")
                    }
                }
                #expect(before.contains("# TYPE gestalt_alert_notifications_sent_total counter"))

                delivery.deliver(.fired(Self.alert))
                delivery.deliver(.fired(Self.alert))
                let running = Task { await delivery.run() }
                defer { running.cancel() }
                try await waitUntil("every queue is done") {
                    delivery.queues.values.allSatisfy { $0.stats.delivered + $0.stats.failed == 1 }
                }
                let after = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
                let expected: [(String, String, Int)] = [
                    ("webhook", "sent", 1), ("webhook", "retried", 1), ("webhook", "failed", 0),
                    ("webhook", "dropped", 1),
                    ("slack", "sent", 0), ("slack", "retried", 0), ("slack", "failed", 1), ("slack", "dropped", 1),
                    ("pagerduty", "sent", 1), ("pagerduty", "retried", 0), ("pagerduty", "failed", 0),
                    ("pagerduty", "dropped", 1),
                ]
                for (channel, what, count) in expected {
                    #expect(
                        after.contains(#"gestalt_alert_notifications_\#(what)_total{channel="\#(channel)"} \#(count)"#),
                        "\(what) \(channel)")
                }
            }
        }
    }
}
