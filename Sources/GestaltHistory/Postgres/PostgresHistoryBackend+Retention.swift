import GestaltModel
import Logging
import PostgresNIO

/// PostgreSQL's retention: the same cuts as SQLite's (always at a kept
/// checkpoint), each interval dropped in its own transaction, which also
/// takes the deleted rows' bytes off the live-bytes counter. A DELETE does
/// not shrink the tables on disk: the VACUUM after a pass makes the freed
/// space reusable by the next writes, so the files stop growing once
/// retention keeps up, but they give nothing back to the file system
/// (only a VACUUM FULL does, which locks the tables; gestalt never runs it).
extension PostgresHistoryBackend {
    func applyRetention(retention: Duration?, maxBytes: Int64?, now: Timestamp) async throws -> RetentionReport {
        var report = RetentionReport()
        if let retention {
            let cutoff = now.millisecondsSince1970 - retention.components.seconds * 1000
            if let keep = try await newestCheckpoint(atOrBefore: cutoff) {
                try await deleteBefore(checkpoint: keep, at: cutoff, report: &report)
            }
        }
        if let maxBytes {
            while try await usedBytes() > maxBytes, let keep = try await secondOldestCheckpoint() {
                try await deleteBefore(checkpoint: keep.revision, at: keep.at, report: &report)
            }
        }
        report.oldestRevision = try await oldestCheckpoint(through: .max)
        if report.updates + report.checkpoints + report.events + report.samples > 0 {
            for table in PostgresHistorySchema.tables {
                try await client.query(PostgresQuery(unsafeSQL: "VACUUM \(table)"), logger: logger)
            }
        }
        return report
    }

    /// One transaction: the rows before the kept checkpoint, and their bytes off the counter.
    private func deleteBefore(checkpoint revision: Int64, at cutoff: Int64, report: inout RetentionReport) async throws
    {
        let bytes = PostgresHistorySchema.bytes
        let deletes = [
            "DELETE FROM updates WHERE revision <= \(revision) RETURNING \(bytes["updates"]!)",
            "DELETE FROM checkpoints WHERE revision < \(revision) RETURNING \(bytes["checkpoints"]!)",
            "DELETE FROM gaps WHERE resumed_at <= \(revision) RETURNING \(bytes["gaps"]!)",
            "DELETE FROM events WHERE at < \(cutoff) RETURNING \(bytes["events"]!)",
            "DELETE FROM samples WHERE at < \(cutoff) RETURNING \(bytes["samples"]!)",
        ]
        let counts = try await client.withTransaction(logger: logger) { connection in
            var counts: [Int] = []
            var freed: Int64 = 0
            for delete in deletes {
                let sql = "WITH gone AS (\(delete) AS n) SELECT count(*), coalesce(sum(n), 0)::bigint FROM gone"
                for try await (count, sum) in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    .decode((Int64, Int64).self)
                {
                    counts.append(Int(count))
                    freed += sum
                }
            }
            try await connection.query("UPDATE history_bytes SET live = greatest(live - \(freed), 0)", logger: logger)
            return counts
        }
        report.updates += counts[0]
        report.checkpoints += counts[1]
        report.events += counts[3]
        report.samples += counts[4]
    }

    private func newestCheckpoint(atOrBefore at: Int64) async throws -> Int64? {
        for try await revision in try await client.query(
            "SELECT revision FROM checkpoints WHERE at <= \(at) ORDER BY revision DESC LIMIT 1", logger: logger
        ).decode(Int64.self) { return revision }
        return nil
    }

    private func secondOldestCheckpoint() async throws -> (revision: Int64, at: Int64)? {
        for try await (revision, at) in try await client.query(
            "SELECT revision, at FROM checkpoints ORDER BY revision LIMIT 1 OFFSET 1", logger: logger
        ).decode((Int64, Int64).self) { return (revision, at) }
        return nil
    }

    func oldestCheckpoint(through: UInt64) async throws -> UInt64? {
        try await client.withConnection { connection in
            try await oldestCheckpoint(through: through, on: connection).map(UInt64.init)
        }
    }
}
