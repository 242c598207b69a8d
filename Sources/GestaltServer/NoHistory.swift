import GestaltEngine
import GestaltModel

/// What the history routes answer when the server keeps no history
/// (`--no-history`): the routes exist, as docs/PROTOCOL.md says, and each
/// answers 503 `history_unavailable` saying how to turn history on.
struct NoHistory: HistoryQueries {
    private var off: HistoryError {
        .unavailable("this server keeps no history (started with --no-history); restart it without that flag")
    }

    func topology(at point: HistoryPoint) async throws(HistoryError) -> Topology { throw off }
    func changes(after: UInt64, through: UInt64, limit: Int) async throws(HistoryError) -> HistoryChanges { throw off }
    func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws(HistoryError) -> [MetricSeries] { throw off }
    func events(
        since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int
    ) async throws(HistoryError) -> [InfraEvent] { throw off }
    func range() async throws(HistoryError) -> HistoryRange { throw off }
}
