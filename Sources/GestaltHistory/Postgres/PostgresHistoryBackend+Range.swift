import GestaltEngine
import GestaltModel
import PostgresNIO

extension PostgresHistoryBackend {
    /// The same answer as SQLite's, in one snapshot; the bytes are the
    /// live-bytes count `maxBytes` bounds (docs/HISTORY.md).
    func range() async throws -> HistoryRange {
        let bytes = try await usedBytes()
        return try await snapshot { connection in
            var range = HistoryRange(bytes: bytes)
            for try await count in try await connection.query("SELECT count(*) FROM checkpoints", logger: logger)
                .decode(Int64.self)
            {
                range.checkpoints = Int(count)
            }
            for try await (revision, at) in try await connection.query(
                "SELECT revision, at FROM checkpoints ORDER BY revision LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                range.oldestRevision = UInt64(revision)
                range.oldestTime = Timestamp(millisecondsSince1970: at)
            }
            guard range.oldestRevision != nil else { return range }
            for try await (revision, at) in try await connection.query(
                """
                SELECT revision, at FROM (
                    (SELECT revision, at FROM updates ORDER BY revision DESC LIMIT 1)
                    UNION ALL (SELECT revision, at FROM checkpoints ORDER BY revision DESC LIMIT 1)
                ) AS ends ORDER BY revision DESC LIMIT 1
                """, logger: logger
            ).decode((Int64, Int64).self) {
                range.newestRevision = UInt64(revision)
                range.newestTime = Timestamp(millisecondsSince1970: at)
            }
            return range
        }
    }
}
