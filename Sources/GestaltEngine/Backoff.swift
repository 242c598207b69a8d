/// client-go's reflector backoff: doubles from the initial delay to the
/// maximum, with jitter, and starts over after a healthy stretch. Every
/// source retries with it, and `SourceSupervisor` restarts sources with it.
package struct Backoff: Sendable {
    package let initial: Duration
    package let maximum: Duration
    package let resetAfter: Duration
    private var current: Duration
    private var lastFailure: ContinuousClock.Instant?

    package init(initial: Duration, maximum: Duration, resetAfter: Duration) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
        self.current = initial
    }

    /// The delay before the next attempt, after a failure at `now`.
    package mutating func next(now: ContinuousClock.Instant = .now) -> Duration {
        if let lastFailure, now - lastFailure >= resetAfter { current = initial }
        lastFailure = now
        let delay = current
        current = min(current * 2, maximum)
        // Up to 10% jitter, so many reflectors failing together do not retry in lockstep.
        return delay + delay * Double.random(in: 0..<0.1)
    }
}
