package import GestaltModel

/// What a history holds: where a timeline may start and end, and its size.
/// All nil (and zero) while nothing is recorded yet.
package struct HistoryRange: Sendable, Hashable {
    /// The oldest revision that rebuilds, and when it was current.
    package var oldestRevision: UInt64?
    package var oldestTime: Timestamp?
    /// The newest recorded revision, and when it was applied.
    package var newestRevision: UInt64?
    package var newestTime: Timestamp?
    package var checkpoints: Int
    /// Bytes the rows take on disk; nil when the backend cannot tell.
    package var bytes: Int64?

    package init(
        oldestRevision: UInt64? = nil, oldestTime: Timestamp? = nil, newestRevision: UInt64? = nil,
        newestTime: Timestamp? = nil,
        checkpoints: Int = 0, bytes: Int64? = nil
    ) {
        self.oldestRevision = oldestRevision
        self.oldestTime = oldestTime
        self.newestRevision = newestRevision
        self.newestTime = newestTime
        self.checkpoints = checkpoints
        self.bytes = bytes
    }
}

extension HistoryQueries {
    /// A backend with no cheaper way finds the ends with `topology(at:)`;
    /// it cannot count checkpoints or bytes.
    package func range() async throws(HistoryError) -> HistoryRange {
        let newest: Topology
        do {
            newest = try await topology(at: .time(.now()))
        } catch .notFound {
            return HistoryRange()
        }
        var range = HistoryRange(newestRevision: newest.revision, newestTime: newest.timestamp)
        if let oldest = try await oldestRebuildable(through: newest.revision) {
            range.oldestRevision = oldest
            range.oldestTime = try await topology(at: .revision(oldest)).timestamp
        }
        return range
    }
}
