import GestaltEngine
import GestaltModel

/// Where a history store keeps its rows: the SQLite file (`HistoryDatabase`)
/// or a PostgreSQL database (`PostgresHistoryBackend`). Everything reaches
/// storage only through this: the recorder's batches, resume's counters,
/// every history read and retention. `HistoryStore` checks arguments and
/// maps failures, so each backend does only the storage half, and both
/// answer alike (the behaviour suites run on each).
protocol HistoryBackend: Sendable {
    /// Writes one batch in one transaction: all of it is durable or none.
    func write(_ batch: HistoryBatch) async throws
    /// The newest revision and event seq stored, and whether any checkpoint is.
    func recordedCounters() async throws -> HistoryCounters
    /// Bytes the history's live rows take (what `maxBytes` bounds; each
    /// backend says how it measures them).
    func usedBytes() async throws -> Int64

    /// The topology at a revision (at most `Int64.max`) or an instant,
    /// rebuilt from the newest checkpoint at or before it, in one snapshot
    /// of the store so retention cannot cut it half-way.
    func topology(at point: HistoryPoint) async throws -> Topology
    /// The updates in `(after, through]`, at most `limit`, and the gaps among them.
    func changes(after: UInt64, through: UInt64, limit: Int) async throws -> HistoryChanges
    /// One series per name, min/avg/max per step, computed by the store.
    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws -> [MetricSeries]
    /// Events from `since` through `until` in seq order, at most `limit` matching `filter`.
    func events(since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int) async throws -> [InfraEvent]
    /// The oldest checkpoint at or before `through`: the oldest revision that rebuilds.
    func oldestCheckpoint(through: UInt64) async throws -> UInt64?
    /// The ends of what is recorded, the checkpoint count and `usedBytes`.
    func range() async throws -> HistoryRange

    /// One retention pass: deletes what is older than `retention`, then whole
    /// checkpoint intervals from the oldest end while `usedBytes` is over
    /// `maxBytes`; the cut is always at a kept checkpoint.
    func applyRetention(retention: Duration?, maxBytes: Int64?, now: Timestamp) async throws -> RetentionReport

    /// Lets go of connections; the store is not used afterwards.
    func close() async
}

/// The newest counters a backend holds: where a restarted store resumes.
struct HistoryCounters: Sendable, Hashable {
    var revision: UInt64
    var eventSeq: UInt64
    var hasCheckpoint: Bool
}
