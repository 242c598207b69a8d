import Foundation
import GRDB
import GestaltEngine
import GestaltModel

/// SQLite's half of the history reads (`HistoryBackend`); `HistoryStore`
/// has already checked the arguments. Each read runs in one WAL snapshot.
extension HistoryDatabase {
    func topology(at point: HistoryPoint) async throws -> Topology {
        try await read { db in
            let target: Int64
            switch point {
            case .revision(let revision):
                guard revision <= UInt64(Int64.max) else {
                    throw HistoryError.badRequest("revision \(revision) is out of range")
                }
                target = Int64(revision)
            case .time(let time):
                let at = time.millisecondsSince1970
                let update = try Int64.fetchOne(
                    db, sql: "SELECT max(revision) FROM updates WHERE at <= ?", arguments: [at])
                let checkpoint = try Int64.fetchOne(
                    db, sql: "SELECT max(revision) FROM checkpoints WHERE at <= ?", arguments: [at])
                guard let found = [update, checkpoint].compactMap({ $0 }).max() else {
                    throw HistoryError.notFound("no recorded history at or before \(time)")
                }
                target = found
            }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT revision, at, body FROM checkpoints WHERE revision <= ? ORDER BY revision DESC LIMIT 1",
                    arguments: [target]
                )
            else {
                throw HistoryError.notFound("revision \(target) is older than the retained history")
            }
            let latest = try Int64.fetchOne(db, sql: "SELECT max(revision) FROM updates") ?? 0
            guard target <= max(latest, row["revision"]) else {
                throw HistoryError.notFound(
                    "revision \(target) is not recorded yet; the latest recorded is \(max(latest, row["revision"] as Int64))"
                )
            }
            let checkpointRevision: Int64 = row["revision"]
            var replay = try SlicedReplay(checkpoint: row["body"], revision: UInt64(checkpointRevision))
            var last = (revision: checkpointRevision, at: row["at"] as Int64)
            let updates = try Row.fetchCursor(
                db,
                sql: "SELECT revision, at, json FROM updates WHERE revision > ? AND revision <= ? ORDER BY revision",
                arguments: [checkpointRevision, target]
            )
            while let update = try updates.next() {
                last = (update["revision"], update["at"])
                try replay.apply(recorded: update["json"], revision: UInt64(last.revision))
            }
            return try replay.topology(
                revision: UInt64(last.revision), timestamp: Timestamp(millisecondsSince1970: last.at))
        }
    }

    func changes(after: UInt64, through: UInt64, limit: Int) async throws -> HistoryChanges {
        try await read { db in
            let oldest = try Int64.fetchOne(db, sql: "SELECT min(revision) FROM checkpoints") ?? 0
            guard Int64(after) >= oldest else {
                throw HistoryError.notFound(
                    "revision \(after) is older than the retained history, which starts at \(oldest)")
            }
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT revision, json FROM updates WHERE revision > ? AND revision <= ? ORDER BY revision LIMIT ?",
                arguments: [Int64(after), Int64(through), limit + 1]
            )
            let page = rows.prefix(limit)
            let next: UInt64? = rows.count > limit ? page.last.map { UInt64($0["revision"] as Int64) } : nil
            let end = next.map { Int64($0) } ?? Int64(through)
            let gaps = try Row.fetchAll(
                db, sql: "SELECT after, resumed_at FROM gaps WHERE resumed_at > ? AND after < ? ORDER BY resumed_at",
                arguments: [Int64(after), end]
            ).map { HistoryGap(after: UInt64($0["after"] as Int64), resumedAt: UInt64($0["resumed_at"] as Int64)) }
            return HistoryChanges(
                updates: page.map { [UInt8]($0["json"] as Data) },
                revisions: page.map { UInt64($0["revision"] as Int64) },
                gaps: gaps, next: next)
        }
    }

    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws -> [MetricSeries] {
        try await read { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT 1 FROM samples WHERE entity_id = ? LIMIT 1", arguments: [entityID])
                    != nil
            else {
                throw HistoryError.notFound("no recorded metrics for entity '\(entityID)'")
            }
            let start = since.millisecondsSince1970
            let statement = try db.cachedStatement(
                sql: """
                    SELECT (at - ?1) / ?2 AS bucket, min(value) AS lo, avg(value) AS mean, max(value) AS hi, count(*) AS n
                    FROM samples WHERE entity_id = ?3 AND name = ?4 AND at >= ?1 AND at <= ?5
                    GROUP BY bucket ORDER BY bucket
                    """)
            return try names.map { name in
                let rows = try Row.fetchAll(
                    statement, arguments: [start, stepMilliseconds, entityID, name, until.millisecondsSince1970])
                return MetricSeries(
                    name: name,
                    points: rows.map { row in
                        MetricSeries.Point(
                            time: Timestamp(millisecondsSince1970: start + (row["bucket"] as Int64) * stepMilliseconds),
                            min: row["lo"], avg: row["mean"], max: row["hi"], count: row["n"]
                        )
                    })
            }
        }
    }

    func events(since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int) async throws -> [InfraEvent] {
        try await read { db in
            let decoder = JSONDecoder()
            var events: [InfraEvent] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT seq, json FROM events WHERE at >= ? AND at <= ? ORDER BY seq",
                arguments: [since.millisecondsSince1970, until.millisecondsSince1970]
            )
            while events.count < limit, let row = try rows.next() {
                let event: InfraEvent
                do {
                    event = try decoder.decode(InfraEvent.self, from: row["json"] as Data)
                } catch {
                    throw HistoryStoreError.corrupt("event \(row["seq"] as Int64): \(error)")
                }
                if filter.matches(event) { events.append(event) }
            }
            return events
        }
    }

    func oldestCheckpoint(through: UInt64) async throws -> UInt64? {
        try await read { db in
            try Int64.fetchOne(
                db, sql: "SELECT min(revision) FROM checkpoints WHERE revision <= ?", arguments: [Int64(through)]
            ).map { UInt64($0) }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }
}
