import Foundation
import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestPeers
import Testing

/// Delivery against a real HTTP receiver on 127.0.0.1: exact payloads, and
/// a retry after the receiver answers 500.
struct DeliveryTests {
    /// Records every body posted to it; answers the queued statuses first, then 200.
    final class Receiver: Sendable {
        let received = Mutex<[(path: String, body: String)]>([])
        let statuses: Mutex<[Int]>
        init(statuses: [Int] = []) { self.statuses = Mutex(statuses) }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.post("**") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.received.withLock { $0.append((request.uri.path, String(buffer: body))) }
                let status = self.statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
                return Response(status: .init(code: status))
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }

        /// Waits until `count` bodies have arrived.
        func bodies(_ count: Int) async throws -> [(path: String, body: String)] {
            try await waitUntil("\(count) posts arrive") { received.withLock { $0.count } >= count }
            return received.withLock { $0 }
        }
    }

    static let alert: Alert = {
        var alert = Alert(
            signal: AlertSignal(
                rule: "source-down", subject: "k8s", severity: .critical, summary: "source k8s is down (error: refused)"
            ),
            state: .firing, activeAt: Timestamp(millisecondsSince1970: 1_796_000_000_000)
        )
        alert.firedAt = Timestamp(millisecondsSince1970: 1_796_000_060_000)
        return alert
    }()

    static var resolved: Alert {
        var alert = alert
        alert.state = .resolved
        alert.resolvedAt = Timestamp(millisecondsSince1970: 1_796_000_120_000)
        return alert
    }

    var fastRetries: WebhookQueue.Options {
        var options = WebhookQueue.Options()
        options.backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100), resetAfter: .seconds(60))
        return options
    }

    @Test func webhookRetriesAfter500Then200() async throws {
        let receiver = Receiver(statuses: [500])
        try await receiver.application().test(.live) { client in
            let port = try #require(client.port)
            let settings = AlertSettings(enabled: true, webhookURL: URL(string: "http://127.0.0.1:\(port)/hook"))
            let delivery = AlertDelivery(settings: settings, post: HTTPWebhookPoster(), options: fastRetries)
            let running = Task { await delivery.run() }
            defer { running.cancel() }
            delivery.deliver(.fired(Self.alert))
            let bodies = try await receiver.bodies(2)
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { $0.path == "/hook" })
            #expect(bodies[0].body == bodies[1].body)
            #expect(
                bodies[1].body
                    == #"{"status":"firing","alert":{"id":"source-down/k8s","rule":"source-down","severity":"critical","subject":"k8s","summary":"source k8s is down (error: refused)","value":null,"state":"firing","active_at":"2026-11-30T00:53:20.000Z","fired_at":"2026-11-30T00:54:20.000Z","resolved_at":null}}"#
            )
            let queue = try #require(delivery.queues[.webhook])
            try await waitUntil("the queue counts the delivery") { queue.stats.delivered >= 1 }
            #expect(queue.stats.delivered == 1 && queue.stats.attempts == 2 && queue.stats.failed == 0)
        }
    }

    @Test func pagerDutyTriggerAndResolveShareADedupKey() async throws {
        let receiver = Receiver()
        try await receiver.application().test(.live) { client in
            let port = try #require(client.port)
            let settings = AlertSettings(
                enabled: true, slackURL: URL(string: "http://127.0.0.1:\(port)/slack"), pagerDutyKey: "R0UTING",
                pagerDutyURL: URL(string: "http://127.0.0.1:\(port)/pd")!
            )
            let delivery = AlertDelivery(settings: settings, post: HTTPWebhookPoster(), options: fastRetries)
            let running = Task { await delivery.run() }
            defer { running.cancel() }
            delivery.deliver(.fired(Self.alert))
            _ = try await receiver.bodies(2)
            delivery.deliver(.resolved(Self.resolved))
            let bodies = try await receiver.bodies(4)
            let pagerDuty = bodies.filter { $0.path == "/pd" }.map(\.body)
            #expect(
                pagerDuty == [
                    #"{"routing_key":"R0UTING","dedup_key":"source-down/k8s","event_action":"trigger","payload":{"summary":"source k8s is down (error: refused)","source":"k8s","severity":"critical","timestamp":"2026-11-30T00:54:20.000Z","component":"k8s","class":"source-down","custom_details":{"rule":"source-down","value":null,"active_at":"2026-11-30T00:53:20.000Z"}}}"#,
                    #"{"routing_key":"R0UTING","dedup_key":"source-down/k8s","event_action":"resolve"}"#,
                ])
            let slack = bodies.filter { $0.path == "/slack" }.map(\.body)
            #expect(
                slack == [
                    #"{"text":"[FIRING] source-down (critical): source k8s is down (error: refused)","attachments":[{"color":"danger","title":"source-down on k8s","text":"source k8s is down (error: refused)","fields":[{"title":"Severity","value":"critical","short":true},{"title":"State","value":"firing","short":true},{"title":"Since","value":"2026-11-30T00:54:20.000Z","short":true}]}]}"#,
                    #"{"text":"[RESOLVED] source-down (critical): source k8s is down (error: refused)","attachments":[{"color":"good","title":"source-down on k8s","text":"source k8s is down (error: refused)","fields":[{"title":"Severity","value":"critical","short":true},{"title":"State","value":"resolved","short":true},{"title":"Since","value":"2026-11-30T00:54:20.000Z","short":true},{"title":"Resolved","value":"2026-11-30T00:55:20.000Z","short":true}]}]}"#,
                ])
        }
    }
}
