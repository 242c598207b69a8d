package import GestaltModel

/// The questions the HTTP layer may ask of the recorded past. The engine
/// defines it so the server can answer history routes without linking the
/// storage (GestaltHistory implements it over SQLite).
package protocol HistoryQueries: Sendable {
    /// The whole map as it was at a revision or an instant.
    func topology(at point: HistoryPoint) async throws(HistoryError) -> Topology
    /// The recorded updates with `after < revision <= through`, oldest first, at most `limit`.
    func changes(after: UInt64, through: UInt64, limit: Int) async throws(HistoryError) -> HistoryChanges
    /// One series per metric name, downsampled to one min/avg/max point per `stepMilliseconds`.
    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws(HistoryError) -> [MetricSeries]
    /// Recorded events with `since <= timestamp <= until`, oldest first, matching the filter.
    func events(
        since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int
    ) async throws(HistoryError) -> [InfraEvent]
    /// The oldest revision `topology(at:)` rebuilds, at most `through`; nil
    /// when none is. A default finds it with `topology(at:)` alone; a backend
    /// answers it from its checkpoints.
    func oldestRebuildable(through: UInt64) async throws(HistoryError) -> UInt64?
    /// What the history holds (`GET /api/infra/history`); a default is in HistoryRange.swift.
    func range() async throws(HistoryError) -> HistoryRange
}

extension HistoryQueries {
    package func oldestRebuildable(through: UInt64) async throws(HistoryError) -> UInt64? {
        // Rebuildable revisions are a suffix (retention drops the oldest), so bisect.
        guard (try? await topology(at: .revision(through))) != nil else { return nil }
        var low: UInt64 = 0
        var high = through
        while low < high {
            let middle = low + (high - low) / 2
            if (try? await topology(at: .revision(middle))) != nil { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// A point in the past: a revision, or the last revision at or before an instant.
package enum HistoryPoint: Sendable, Hashable {
    case revision(UInt64)
    case time(Timestamp)
}

/// A page of recorded updates.
package struct HistoryChanges: Sendable {
    /// Each update's TopologyUpdate JSON, exactly as it was streamed.
    package var updates: [[UInt8]]
    /// Each update's revision (the history row's column), so a reader
    /// that needs only the revision never decodes the JSON.
    package var revisions: [UInt64]
    /// Spans of revisions that were never recorded one by one (a restart, or
    /// a recorder that fell out of the store's retained log). The state after
    /// a gap is its `resumedAt` checkpoint, not a replay of the skipped updates.
    package var gaps: [HistoryGap]
    /// Where the next page starts (`after=next`), when `limit` cut this one short.
    package var next: UInt64?

    package init(updates: [[UInt8]], revisions: [UInt64], gaps: [HistoryGap], next: UInt64?) {
        precondition(updates.count == revisions.count, "one revision per update")
        self.updates = updates
        self.revisions = revisions
        self.gaps = gaps
        self.next = next
    }
}

/// Revisions `(after, resumedAt)` are missing from the record; the
/// topology at `resumedAt` is a full checkpoint.
package struct HistoryGap: Sendable, Hashable {
    package var after: UInt64
    package var resumedAt: UInt64

    package init(after: UInt64, resumedAt: UInt64) {
        self.after = after
        self.resumedAt = resumedAt
    }
}

/// One metric of one entity over time.
package struct MetricSeries: Sendable, Hashable {
    package struct Point: Sendable, Hashable {
        /// The start of the step.
        package var time: Timestamp
        package var min: Double
        package var avg: Double
        package var max: Double
        package var count: Int

        package init(time: Timestamp, min: Double, avg: Double, max: Double, count: Int) {
            self.time = time
            self.min = min
            self.avg = avg
            self.max = max
            self.count = count
        }
    }

    package var name: String
    package var points: [Point]

    package init(name: String, points: [Point]) {
        self.name = name
        self.points = points
    }
}

/// Why a history question has no answer. The server maps `badRequest` to
/// 400, `notFound` to 404 and `unavailable` to 503.
package enum HistoryError: Error, Sendable, Hashable {
    case badRequest(String)
    case notFound(String)
    case unavailable(String)
}
