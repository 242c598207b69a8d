import Foundation
import NIOCore
import PostgresNIO

/// The reads `HistoryStore`'s queries need, in PostgreSQL: the same SQL as
/// the SQLite half, so both answer alike. Downsampling (min/avg/max per
/// step) runs in the database, never row by row here.
extension PostgresHistoryBackend {
    struct Row: Sendable, Hashable {
        var key: Int64
        var at: Int64
        var body: Data
    }

    struct Bucket: Sendable, Hashable {
        var start: Int64
        var min: Double
        var avg: Double
        var max: Double
        var count: Int
    }

    /// The newest checkpoint at or before `revision`.
    func checkpoint(atOrBefore revision: Int64) async throws -> Row? {
        let rows = try await connection.query(
            "SELECT revision, at, body FROM checkpoints WHERE revision <= \(revision) ORDER BY revision DESC LIMIT 1", logger: logger
        ).decode((Int64, Int64, ByteBuffer).self)
        for try await (key, at, body) in rows { return Row(key: key, at: at, body: Data(buffer: body)) }
        return nil
    }

    /// The updates in (after, through], oldest first, at most `limit`.
    func updates(after: Int64, through: Int64, limit: Int) async throws -> [Row] {
        let rows = try await connection.query("""
            SELECT revision, at, json FROM updates WHERE revision > \(after) AND revision <= \(through) ORDER BY revision LIMIT \(limit)
            """, logger: logger).decode((Int64, Int64, ByteBuffer).self)
        var found: [Row] = []
        for try await (key, at, body) in rows { found.append(Row(key: key, at: at, body: Data(buffer: body))) }
        return found
    }

    /// The newest revision recorded at or before `at` (an update's or a checkpoint's).
    func newestRevision(atOrBefore at: Int64) async throws -> Int64? {
        let rows = try await connection.query("""
            SELECT greatest((SELECT max(revision) FROM updates WHERE at <= \(at)), (SELECT max(revision) FROM checkpoints WHERE at <= \(at)))
            """, logger: logger).decode(Int64?.self)
        for try await revision in rows { return revision }
        return nil
    }

    /// One entity's metric in `step`-wide buckets from `start` through `until`; empty buckets are absent.
    func metricBuckets(entityID: String, name: String, start: Int64, until: Int64, step: Int64) async throws -> [Bucket] {
        let rows = try await connection.query("""
            SELECT (at - \(start)) / \(step) AS bucket, min(value), avg(value), max(value), count(*)
            FROM samples WHERE entity_id = \(entityID) AND name = \(name) AND at >= \(start) AND at <= \(until)
            GROUP BY bucket ORDER BY bucket
            """, logger: logger).decode((Int64, Double, Double, Double, Int64).self)
        var buckets: [Bucket] = []
        for try await (bucket, low, mean, high, count) in rows {
            buckets.append(Bucket(start: start + bucket * step, min: low, avg: mean, max: high, count: Int(count)))
        }
        return buckets
    }

    /// The events recorded from `since` through `until`, in seq order.
    func events(since: Int64, until: Int64) async throws -> [Row] {
        let rows = try await connection.query(
            "SELECT seq, at, json FROM events WHERE at >= \(since) AND at <= \(until) ORDER BY seq", logger: logger
        ).decode((Int64, Int64, ByteBuffer).self)
        var found: [Row] = []
        for try await (key, at, body) in rows { found.append(Row(key: key, at: at, body: Data(buffer: body))) }
        return found
    }
}
