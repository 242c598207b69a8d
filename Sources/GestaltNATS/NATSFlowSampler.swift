import NATSClient
import NIOCore
import Synchronization

/// Counts messages and bytes per concrete subject on the configured subjects
/// through a NATS subscription. Payloads are never kept: each message adds
/// to two counters and is gone. At most `maxSubjects` distinct subjects are
/// tracked between two reads; the rest are counted under `other`.
final class NATSFlowSampler: Sendable {
    struct Counts: Sendable, Equatable {
        var messages: Int64 = 0
        var bytes: Int64 = 0
    }

    static let maxSubjects = 10_000
    static let other = "other"
    private let counts = Mutex([String: Counts]())
    private let subscriptions: [NATSSubscription]

    private init(subscriptions: [NATSSubscription]) { self.subscriptions = subscriptions }

    static func start(on connection: NATSConnection, subjects: [String]) async throws -> NATSFlowSampler {
        var subscriptions: [NATSSubscription] = []
        for subject in subjects {
            // A small buffer: counting is cheap, and if it falls behind, dropped says so.
            subscriptions.append(
                try await connection.subscribe(to: subject, limits: .init(maxMessages: 65_536, maxBytes: 16 << 20)))
        }
        return NATSFlowSampler(subscriptions: subscriptions)
    }

    /// Consumes every subscription until they end or the task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for subscription in subscriptions {
                group.addTask {
                    for await message in subscription { self.count(message) }
                }
            }
        }
    }

    private func count(_ message: NATSMessage) {
        counts.withLock { counts in
            let key = counts[message.subject] != nil || counts.count < Self.maxSubjects ? message.subject : Self.other
            counts[key, default: Counts()].messages += 1
            counts[key, default: Counts()].bytes += Int64(message.payload.readableBytes)
        }
    }

    /// The counts since the last call, and starts again from zero.
    func take() -> [String: Counts] {
        counts.withLock { counts in
            defer { counts = [:] }
            return counts
        }
    }

    /// Messages the sampler itself could not keep up with.
    var dropped: Int { subscriptions.reduce(0) { $0 + $1.dropped } }
}
