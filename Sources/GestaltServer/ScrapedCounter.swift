import Prometheus
import Synchronization

/// A Prometheus counter fed from a running total kept elsewhere (the
/// streaming layer counts under the lock its hot path already takes). Each
/// scrape adds what the total grew since the last one, so the page carries a
/// real `counter` that `rate()` and `increase()` understand, and the hot path
/// pays nothing for it.
final class ScrapedCounter: Sendable {
    private let counter: Counter
    /// The total already added; under a lock so two scrapes at once never add the same growth twice.
    private let added = Mutex<UInt64>(0)

    init(_ counter: Counter) {
        self.counter = counter
    }

    /// Brings the counter up to `total`. A total below the last one (a
    /// fresh stats object) restarts the count, as a restarted process would.
    func advance(to total: UInt64) {
        added.withLock { added in
            if total < added {
                counter.reset()
                added = 0
            }
            let growth = total - added
            guard growth > 0 else { return }
            counter.increment(by: Int64(clamping: growth))
            added = total
        }
    }
}
