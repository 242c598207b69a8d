package import Foundation
package import GestaltEngine
package import Logging
package import Metrics
import Synchronization

/// Sends one kind of notification to one URL, one at a time, retrying with
/// backoff. The queue is bounded: `enqueue` never waits, and when the
/// receiver is down long enough to fill it the oldest notifications go
/// (counted in `dropped`), so a dead webhook never holds up the server.
package final class WebhookQueue: Sendable {
    package struct Options: Sendable {
        package var capacity = 256
        /// Attempts per notification, the first included.
        package var attempts = 6
        package var backoff = Backoff(initial: .seconds(1), maximum: .seconds(60), resetAfter: .seconds(300))
        package init() {}
    }

    package let name: String
    package let url: URL
    private let options: Options
    private let post: any WebhookPoster
    private let logger: Logger
    private let stream: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let counters = Mutex((delivered: 0, failed: 0, dropped: 0, attempts: 0))
    private let metrics: DeliveryCounters

    /// - Parameter metrics: where the `gestalt_alert_notifications_*_total`
    ///   counters go; the server's Prometheus factory, so they are on `/metrics`.
    package init(
        name: String, url: URL, post: any WebhookPoster, options: Options = Options(),
        logger: Logger = Logger(label: "gestalt.alerts"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        self.url = url
        self.options = options
        self.post = post
        self.logger = logger
        self.metrics = DeliveryCounters(channel: name, factory: metrics)
        (stream, continuation) = AsyncStream.makeStream(
            of: [UInt8].self, bufferingPolicy: .bufferingNewest(options.capacity))
    }

    package func enqueue(_ body: [UInt8]) {
        if case .dropped = continuation.yield(body) {
            counters.withLock { $0.dropped += 1 }
            metrics.dropped.increment()
            logger.warning("alert queue \(name) is full: dropped its oldest notification")
        }
    }

    /// Delivered, given up on, dropped from a full queue, and HTTP attempts made.
    package var stats: (delivered: Int, failed: Int, dropped: Int, attempts: Int) { counters.withLock { $0 } }

    /// Sends until cancelled (or `finish`ed and drained).
    package func run() async {
        for await body in stream {
            await send(body)
        }
    }

    package func finish() { continuation.finish() }

    private func send(_ body: [UInt8]) async {
        var backoff = options.backoff
        for attempt in 1...options.attempts {
            counters.withLock { $0.attempts += 1 }
            let outcome: String
            do {
                let status = try await post.post(body, to: url)
                if (200..<300).contains(status) {
                    counters.withLock { $0.delivered += 1 }
                    metrics.sent.increment()
                    return
                }
                // A 4xx other than 408/429 will not get better by asking again.
                if (400..<500).contains(status), status != 408, status != 429 {
                    counters.withLock { $0.failed += 1 }
                    metrics.failed.increment()
                    logger.error("alert \(name): \(url) answered \(status); not retrying")
                    return
                }
                outcome = "HTTP \(status)"
            } catch {
                outcome = "\(error)"
            }
            guard attempt < options.attempts, !Task.isCancelled else { break }
            let delay = backoff.next()
            metrics.retried.increment()
            logger.warning("alert \(name): attempt \(attempt) failed (\(outcome)); retrying in \(delay)")
            do { try await Task.sleep(for: delay) } catch { break }
        }
        counters.withLock { $0.failed += 1 }
        metrics.failed.increment()
        logger.error("alert \(name): gave up on a notification to \(url)")
    }
}

/// Posts a JSON body and answers the HTTP status.
package protocol WebhookPoster: Sendable {
    func post(_ body: [UInt8], to url: URL) async throws -> Int
}
