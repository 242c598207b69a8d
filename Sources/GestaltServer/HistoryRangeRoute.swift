import GestaltEngine
import GestaltModel
import Hummingbird

/// `GET /api/infra/history`: what history holds, so a timeline starts where
/// history does instead of guessing from the oldest event.
enum HistoryRangeRoute {
    static func register(on api: RouterGroup<GestaltRequestContext>, history: any HistoryQueries) {
        api.get("history") { _, _ -> Response in
            let range = try await HistoryRoutes.answer { () async throws(HistoryError) in try await history.range() }
            return .json(json(range))
        }
    }

    static func json(_ range: HistoryRange) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("oldest_revision"); if let value = range.oldestRevision { w.number(value) } else { w.null() }
        w.key("oldest_time"); if let value = range.oldestTime { w.timestamp(value) } else { w.null() }
        w.key("newest_revision"); if let value = range.newestRevision { w.number(value) } else { w.null() }
        w.key("newest_time"); if let value = range.newestTime { w.timestamp(value) } else { w.null() }
        w.key("checkpoints"); w.number(range.checkpoints)
        w.key("bytes"); if let value = range.bytes { w.number(value) } else { w.null() }
        w.endObject()
        return w.bytes
    }
}
