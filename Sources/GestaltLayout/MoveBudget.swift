/// A token bucket bounding how many moves are published per second.
///
/// It holds at most one tick's worth of tokens, so over any window of `t`
/// seconds at most `rate * t` moves plus one tick's worth go out, however
/// long the layout was quiet before.
package struct MoveBudget: Sendable, Hashable {
    package let ratePerSecond: Double
    package let capacity: Double
    private var tokens: Double

    /// - Parameters:
    ///   - ratePerSecond: moves allowed per second; zero or less allows none.
    ///   - tick: how often the budget is spent; the bucket holds one tick's worth (at least one move).
    package init(ratePerSecond: Int, tick: Duration) {
        self.ratePerSecond = Double(max(ratePerSecond, 0))
        self.capacity = ratePerSecond > 0 ? max(self.ratePerSecond * tick.seconds, 1) : 0
        self.tokens = capacity
    }

    /// Whole moves that may be published now.
    package var available: Int { Int(tokens.rounded(.down)) }

    /// Adds the tokens earned over `elapsed`.
    package mutating func refill(elapsed: Duration) {
        tokens = min(capacity, tokens + ratePerSecond * max(elapsed.seconds, 0))
    }

    /// Records that `count` moves were published.
    package mutating func spend(_ count: Int) {
        tokens = max(0, tokens - Double(count))
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
