import Foundation
import GestaltEngine
import GestaltModel
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import PostgresNIO

/// The reads `HistoryStore`'s queries need, in PostgreSQL: the same SQL as
/// the SQLite half, so both answer alike. A read of several statements runs
/// in one REPEATABLE READ snapshot, as SQLite's reads run in one WAL
/// snapshot, so a retention pass in between cannot cut a rebuild in half.
/// Downsampling (min/avg/max per step) runs in the database.
extension PostgresHistoryBackend {
    struct Row: Sendable, Hashable {
        var key: Int64
        var at: Int64
        var body: Data
    }

    func topology(at point: HistoryPoint) async throws -> Topology {
        try await snapshot { connection in
            let target: Int64
            switch point {
            case .revision(let revision):
                target = Int64(revision)
            case .time(let time):
                guard let found = try await newestRevision(atOrBefore: time.millisecondsSince1970, on: connection)
                else {
                    throw HistoryError.notFound("no recorded history at or before \(time)")
                }
                target = found
            }
            guard let checkpoint = try await checkpoint(atOrBefore: target, on: connection) else {
                throw HistoryError.notFound("revision \(target) is older than the retained history")
            }
            let latest = max(try await maxRevision(on: connection), checkpoint.key)
            guard target <= latest else {
                throw HistoryError.notFound("revision \(target) is not recorded yet; the latest recorded is \(latest)")
            }
            var replay = try SlicedReplay(checkpoint: checkpoint.body, revision: UInt64(checkpoint.key))
            var last = (revision: checkpoint.key, at: checkpoint.at)
            let rows = try await connection.query(
                """
                SELECT revision, at, json FROM updates WHERE revision > \(checkpoint.key) AND revision <= \(target) ORDER BY revision
                """, logger: logger
            ).decode((Int64, Int64, ByteBuffer).self)
            for try await (revision, at, json) in rows {
                last = (revision, at)
                try replay.apply(recorded: Data(buffer: json), revision: UInt64(revision))
            }
            return try replay.topology(
                revision: UInt64(last.revision), timestamp: Timestamp(millisecondsSince1970: last.at))
        }
    }

    func changes(after: UInt64, through: UInt64, limit: Int) async throws -> HistoryChanges {
        try await snapshot { connection in
            let oldest = try await oldestCheckpoint(through: .max, on: connection) ?? 0
            guard Int64(after) >= oldest else {
                throw HistoryError.notFound(
                    "revision \(after) is older than the retained history, which starts at \(oldest)")
            }
            let rows = try await updates(after: Int64(after), through: Int64(through), limit: limit + 1, on: connection)
            let page = rows.prefix(limit)
            let next: UInt64? = rows.count > limit ? page.last.map { UInt64($0.key) } : nil
            let end = next.map { Int64($0) } ?? Int64(through)
            var gaps: [HistoryGap] = []
            let gapRows = try await connection.query(
                """
                SELECT after, resumed_at FROM gaps WHERE resumed_at > \(Int64(after)) AND after < \(end) ORDER BY resumed_at
                """, logger: logger
            ).decode((Int64, Int64).self)
            for try await (gapAfter, resumedAt) in gapRows {
                gaps.append(HistoryGap(after: UInt64(gapAfter), resumedAt: UInt64(resumedAt)))
            }
            return HistoryChanges(
                updates: page.map { [UInt8]($0.body) }, revisions: page.map { UInt64($0.key) }, gaps: gaps, next: next)
        }
    }

    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws -> [MetricSeries] {
        try await snapshot { connection in
            var known = false
            for try await _ in try await connection.query(
                "SELECT 1 FROM samples WHERE entity_id = \(entityID) LIMIT 1", logger: logger)
            {
                known = true
            }
            guard known else { throw HistoryError.notFound("no recorded metrics for entity '\(entityID)'") }
            let start = since.millisecondsSince1970, until = until.millisecondsSince1970
            var series: [MetricSeries] = []
            for name in names {
                let rows = try await connection.query(
                    """
                    SELECT (at - \(start)) / \(stepMilliseconds) AS bucket, min(value), avg(value), max(value), count(*)
                    FROM samples WHERE entity_id = \(entityID) AND name = \(name) AND at >= \(start) AND at <= \(until)
                    GROUP BY bucket ORDER BY bucket
                    """, logger: logger
                ).decode((Int64, Double, Double, Double, Int64).self)
                var points: [MetricSeries.Point] = []
                for try await (bucket, low, mean, high, count) in rows {
                    points.append(
                        MetricSeries.Point(
                            time: Timestamp(millisecondsSince1970: start + bucket * stepMilliseconds), min: low,
                            avg: mean, max: high, count: Int(count)
                        ))
                }
                series.append(MetricSeries(name: name, points: points))
            }
            return series
        }
    }

    func events(since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int) async throws -> [InfraEvent] {
        try await client.withConnection { connection in
            let decoder = JSONDecoder()
            var events: [InfraEvent] = []
            let rows = try await connection.query(
                """
                SELECT seq, json FROM events WHERE at >= \(since.millisecondsSince1970) AND at <= \(until.millisecondsSince1970) ORDER BY seq
                """, logger: logger
            ).decode((Int64, ByteBuffer).self)
            // Reading stops at `limit`; the rest of the rows are discarded with the sequence.
            for try await (seq, json) in rows {
                let event: InfraEvent
                do {
                    event = try decoder.decode(InfraEvent.self, from: Data(buffer: json))
                } catch {
                    throw HistoryStoreError.corrupt("event \(seq): \(error)")
                }
                if filter.matches(event) { events.append(event) }
                if events.count >= limit { break }
            }
            return events
        }
    }

    // MARK: - Pieces

    /// Runs `body` in one read-only REPEATABLE READ transaction on a leased connection.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    /// The newest checkpoint at or before `revision`.
    func checkpoint(atOrBefore revision: Int64, on connection: PostgresConnection) async throws -> Row? {
        let rows = try await connection.query(
            "SELECT revision, at, body FROM checkpoints WHERE revision <= \(revision) ORDER BY revision DESC LIMIT 1",
            logger: logger
        ).decode((Int64, Int64, ByteBuffer).self)
        for try await (key, at, body) in rows { return Row(key: key, at: at, body: Data(buffer: body)) }
        return nil
    }

    /// The updates in (after, through], oldest first, at most `limit`.
    func updates(after: Int64, through: Int64, limit: Int, on connection: PostgresConnection) async throws -> [Row] {
        let rows = try await connection.query(
            """
            SELECT revision, at, json FROM updates WHERE revision > \(after) AND revision <= \(through) ORDER BY revision LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, Int64, ByteBuffer).self)
        var found: [Row] = []
        for try await (key, at, body) in rows { found.append(Row(key: key, at: at, body: Data(buffer: body))) }
        return found
    }

    /// The newest revision recorded at or before `at` (an update's or a checkpoint's).
    func newestRevision(atOrBefore at: Int64, on connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            """
            SELECT greatest((SELECT max(revision) FROM updates WHERE at <= \(at)), (SELECT max(revision) FROM checkpoints WHERE at <= \(at)))
            """, logger: logger
        ).decode(Int64?.self)
        for try await revision in rows { return revision }
        return nil
    }

    func maxRevision(on connection: PostgresConnection) async throws -> Int64 {
        for try await revision in try await connection.query("SELECT max(revision) FROM updates", logger: logger)
            .decode(Int64?.self)
        {
            return revision ?? 0
        }
        return 0
    }

    func oldestCheckpoint(through: UInt64, on connection: PostgresConnection) async throws -> Int64? {
        let bound = Int64(clamping: through)
        for try await revision in try await connection.query(
            "SELECT min(revision) FROM checkpoints WHERE revision <= \(bound)", logger: logger
        ).decode(Int64?.self) { return revision }
        return nil
    }
}
