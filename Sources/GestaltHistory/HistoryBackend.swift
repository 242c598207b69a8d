/// Where a history store keeps its rows. The recorder, resume and the size
/// half of retention reach storage only through this, so a second backend
/// (PostgreSQL, issue 17) implements these few operations and shares the
/// batching, checkpoint and resume logic instead of copying it.
protocol HistoryBackend: Sendable {
    /// Writes one batch in one transaction: all of it is durable or none.
    func write(_ batch: HistoryBatch) async throws
    /// The newest revision and event seq stored, and whether any checkpoint is.
    func recordedCounters() async throws -> HistoryCounters
    /// Bytes the history's rows and indexes take (what `maxBytes` bounds).
    func usedBytes() async throws -> Int64
}

/// The newest counters a backend holds: where a restarted store resumes.
struct HistoryCounters: Sendable, Hashable {
    var revision: UInt64
    var eventSeq: UInt64
    var hasCheckpoint: Bool
}
