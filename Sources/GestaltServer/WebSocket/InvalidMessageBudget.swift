/// Counts invalid client messages in a sliding window: a few mistakes get
/// `error` answers, a flood closes the connection with 1008.
struct InvalidMessageBudget {
    let limit: Int
    let window: Duration
    // At most `limit + 1` entries, so an array is fine.
    private var times: [ContinuousClock.Instant] = []

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Records one invalid message; true when the client is over its budget.
    mutating func spend(now: ContinuousClock.Instant = .now) -> Bool {
        while let first = times.first, now - first > window { times.removeFirst() }
        times.append(now)
        return times.count > limit
    }
}
