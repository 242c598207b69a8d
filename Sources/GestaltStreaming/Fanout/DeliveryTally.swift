import GestaltModel

/// What one fan-out pass sent, summed so the shared stats take one lock per
/// pass instead of one per client. Clients that shared a batch share its
/// `oldest`, so the delay samples group into a few entries.
struct DeliveryTally {
    private(set) var messages = 0
    private(set) var bytes = 0
    /// (when the store applied the oldest change, messages sent with it).
    private(set) var oldest: [(stamp: Int64, messages: Int)] = []

    mutating func add(messages: Int, bytes: Int, oldest stamp: Timestamp?) {
        self.messages += messages
        self.bytes += bytes
        guard let milliseconds = stamp?.millisecondsSince1970 else { return }
        if let index = oldest.lastIndex(where: { $0.stamp == milliseconds }) {
            oldest[index].messages += messages
        } else {
            oldest.append((milliseconds, messages))
        }
    }

    var isEmpty: Bool { messages == 0 && bytes == 0 }
}
