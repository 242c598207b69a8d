import NATSClient
import TestPeers

/// The next `count` messages of `subscription`, or a failure naming what was
/// missing once `deadline` passes. Breaking out loses nothing: the next call
/// continues where this one stopped.
func take(
    _ count: Int, from subscription: NATSSubscription, within deadline: Duration = .seconds(20)
) async throws -> [NATSMessage] {
    try await withThrowingTaskGroup(of: [NATSMessage]?.self) { group in
        group.addTask {
            var messages: [NATSMessage] = []
            guard count > 0 else { return messages }
            for await message in subscription {
                messages.append(message)
                if messages.count == count { break }
            }
            return messages
        }
        group.addTask {
            try await Task.sleep(for: deadline)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let messages = first else {
            throw PeerError("timed out waiting for \(count) messages on \(subscription.subject)")
        }
        return messages
    }
}
