import GRDB
import GestaltEngine
import GestaltModel

extension HistoryDatabase {
    func range() async throws -> HistoryRange {
        try await pool.read { db in
            var range = HistoryRange(bytes: try HistoryStore.usedBytes(db))
            range.checkpoints = try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoints") ?? 0
            guard
                let oldest = try Row.fetchOne(db, sql: "SELECT revision, at FROM checkpoints ORDER BY revision LIMIT 1")
            else {
                return range
            }
            range.oldestRevision = UInt64(oldest["revision"] as Int64)
            range.oldestTime = Timestamp(millisecondsSince1970: oldest["at"])
            let newest = try [
                Row.fetchOne(db, sql: "SELECT revision, at FROM updates ORDER BY revision DESC LIMIT 1"),
                Row.fetchOne(db, sql: "SELECT revision, at FROM checkpoints ORDER BY revision DESC LIMIT 1"),
            ].compactMap { $0 }.max { ($0["revision"] as Int64) < ($1["revision"] as Int64) }
            if let newest {
                range.newestRevision = UInt64(newest["revision"] as Int64)
                range.newestTime = Timestamp(millisecondsSince1970: newest["at"])
            }
            return range
        }
    }
}
