/// How long changes took from the store to a client's socket: the fan-out's
/// share of change → client latency, without the network or the reader.
/// Fixed buckets, so recording is a compare and an add under the stats lock.
package struct DelayHistogram: Sendable, Hashable {
    /// Upper bounds of the buckets, in milliseconds; a last bucket holds the rest.
    package static let bounds: [Int64] = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000]

    /// Counts per bucket: `bounds.count` bounded ones, then the rest.
    package private(set) var counts = [UInt64](repeating: 0, count: DelayHistogram.bounds.count + 1)
    package private(set) var count: UInt64 = 0
    package private(set) var sumMilliseconds: Int64 = 0

    package init() {}

    /// A histogram read back from its bucket counts (the JSON's `buckets`),
    /// for a client that compares two readings.
    package init?(counts: [UInt64]) {
        guard counts.count == Self.bounds.count + 1 else { return nil }
        self.counts = counts
        self.count = counts.reduce(0, +)
    }

    /// The upper bound of bucket `index` in milliseconds; nil for the last, unbounded one.
    package static func upperBound(ofBucket index: Int) -> Int64? {
        index < bounds.count ? bounds[index] : nil
    }

    mutating func record(milliseconds: Int64, times: UInt64 = 1) {
        let value = max(0, milliseconds)
        let bucket = Self.bounds.firstIndex { value <= $0 } ?? Self.bounds.count
        counts[bucket] += times
        count += times
        sumMilliseconds += value * Int64(times)
    }

    /// The upper bound of the bucket that holds quantile `q` (0...1), in
    /// milliseconds; nil when empty or when it falls past the last bound.
    package func quantile(_ q: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = UInt64((Double(count) * q).rounded(.up))
        var seen: UInt64 = 0
        for (index, n) in counts.enumerated() {
            seen += n
            if seen >= max(1, rank) { return Self.upperBound(ofBucket: index) }
        }
        return nil
    }

    /// What was recorded since `earlier` (a copy taken before).
    package func subtracting(_ earlier: DelayHistogram) -> DelayHistogram {
        var result = self
        for index in counts.indices { result.counts[index] -= earlier.counts[index] }
        result.count -= earlier.count
        result.sumMilliseconds -= earlier.sumMilliseconds
        return result
    }
}
