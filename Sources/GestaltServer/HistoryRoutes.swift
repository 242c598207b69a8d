import GestaltEngine
import GestaltModel
import Hummingbird

/// The past, from history (docs/HISTORY.md):
/// - `GET /api/infra/topology?at=<RFC 3339 or revision>`: the map as it was;
/// - `GET /api/infra/topology/changes?from=R1&to=R2&limit=N`: recorded updates;
/// - `GET /api/infra/metrics/{id}?metrics=a,b&since=&until=&step=`: min/avg/max per step;
/// - `GET /api/infra/events?since=&until=`: recorded events, oldest first.
///
/// `topology` and `events` without those parameters stay live
/// (`InfraRoutes`); a middleware answers the historical form first, so the
/// live routes need not know history exists.
struct HistoryRoutes {
    let history: any HistoryQueries
    let maxLimit: Int
    /// Where a restricted token's entities are judged (`RestrictedAnswers`).
    let store: TopologyStore

    /// Registers the middleware, so it must run before the live routes are added.
    func register(on router: Router<GestaltRequestContext>) {
        let history = history, maxLimit = maxLimit, store = store
        router.add(middleware: HistoryOverrides(history: history, maxLimit: maxLimit))
        let api = router.group("api/infra")
        HistoryRangeRoute.register(on: api, history: history)

        api.get("topology/changes") { request, context -> Response in
            let query = request.uri.queryParameters
            guard let fromText = query.get("from") else {
                throw APIError.badQuery("query parameter 'from' (a revision) is required")
            }
            let from = try Self.revision(fromText, name: "from")
            let to = try query.get("to").map { try Self.revision($0, name: "to") } ?? UInt64(Int64.max)
            guard from <= to else { throw APIError.badQuery("'from' (\(from)) is after 'to' (\(to))") }
            let limit = try QueryParsing.limit(request, default: 1000, max: maxLimit)
            let page = try await Self.answer { () async throws(HistoryError) in
                try await history.changes(after: from, through: to, limit: limit)
            }
            var w = JSONWriter()
            w.beginObject()
            w.key("from"); w.number(from)
            w.key("to"); w.number(to)
            w.key("updates"); w.beginArray()
            for update in RestrictedAnswers.updates(page.updates, store: store, restriction: context.restriction) {
                w.raw(update)
            }
            w.endArray()
            w.key("gaps"); w.beginArray()
            for gap in page.gaps {
                w.beginObject()
                w.key("after"); w.number(gap.after)
                w.key("resumed_at"); w.number(gap.resumedAt)
                w.endObject()
            }
            w.endArray()
            w.key("next"); if let next = page.next { w.number(next) } else { w.null() }
            w.endObject()
            return .json(w.bytes)
        }

        api.get("metrics/**") { request, context -> Response in
            let id = try QueryParsing.pathID(context, what: "entity")
            guard RestrictedAnswers.admits(metricsOf: id, store: store, restriction: context.restriction) else {
                throw APIError.notFound("no recorded metrics for entity '\(id)'")
            }
            let query = request.uri.queryParameters
            let names = (query.get("metrics") ?? "cpu_percent,memory_bytes").split(separator: ",").map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                throw APIError.badQuery("query parameter 'metrics' must be a comma-separated list of metric names")
            }
            let until = try query.get("until").map { try Self.time($0, name: "until") } ?? .now()
            let since =
                try query.get("since").map { try Self.time($0, name: "since") }
                ?? Timestamp(millisecondsSince1970: until.millisecondsSince1970 - 3_600_000)
            guard since <= until else { throw APIError.badQuery("'since' (\(since)) is after 'until' (\(until))") }
            let span = until.millisecondsSince1970 - since.millisecondsSince1970
            let step = try query.get("step").map { try Self.duration($0, name: "step") } ?? max(1000, span / 300)
            let series = try await Self.answer { () async throws(HistoryError) in
                try await history.metrics(
                    entityID: id, names: names, since: since, until: until, stepMilliseconds: step)
            }
            var w = JSONWriter()
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("since"); w.timestamp(since)
            w.key("until"); w.timestamp(until)
            w.key("step_ms"); w.number(step)
            w.key("series"); w.beginArray()
            for metric in series {
                w.beginObject()
                w.key("name"); w.string(metric.name)
                w.key("points"); w.beginArray()
                for point in metric.points {
                    w.beginObject()
                    w.key("time"); w.timestamp(point.time)
                    w.key("min"); w.number(point.min)
                    w.key("avg"); w.number(point.avg)
                    w.key("max"); w.number(point.max)
                    w.key("count"); w.number(point.count)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return .json(w.bytes)
        }
    }

    /// A revision: a whole number.
    static func revision(_ text: String, name: String) throws -> UInt64 {
        guard let value = UInt64(text), value <= UInt64(Int64.max) else {
            throw APIError.badQuery("query parameter '\(name)' must be a revision (a whole number); got '\(text)'")
        }
        return value
    }

    /// An RFC 3339 instant.
    static func time(_ text: String, name: String) throws -> Timestamp {
        guard let time = Timestamp(rfc3339: text) else {
            throw APIError.badQuery(
                "query parameter '\(name)' must be an RFC 3339 time such as 2026-12-06T04:00:00Z; got '\(text)'")
        }
        return time
    }

    /// Milliseconds from `250ms`, `10s`, `5m`, `1h`, `1d`, or bare seconds.
    static func duration(_ text: String, name: String) throws -> Int64 {
        let units: [(suffix: String, ms: Double)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let unit =
            units.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil } ?? ("", 1000)
        guard let number = Double(text.dropLast(unit.suffix.count)), number.isFinite, number > 0, number * unit.ms >= 1,
            number * unit.ms < 1e15
        else {
            throw APIError.badQuery(
                "query parameter '\(name)' must be a positive duration such as 60s, 5m or 1h; got '\(text)'")
        }
        return Int64(number * unit.ms)
    }

    /// Runs a history question, mapping its errors to the API's.
    static func answer<T>(_ body: () async throws(HistoryError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            switch error {
            case .badRequest(let message): throw APIError.badQuery(message)
            case .notFound(let message): throw APIError.notFound(message)
            case .unavailable(let message): throw APIError(.serviceUnavailable, code: "history_unavailable", message)
            }
        }
    }
}

/// Answers `topology?at=` and `events?since=/until=` from history, and
/// passes every other request on untouched.
struct HistoryOverrides: RouterMiddleware {
    typealias Context = GestaltRequestContext
    let history: any HistoryQueries
    let maxLimit: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get else { return try await next(request, context) }
        let query = request.uri.queryParameters
        switch request.uri.path {
        case "/api/infra/topology":
            guard let at = query.get("at") else { break }
            let point: HistoryPoint
            if let revision = UInt64(at) {
                point = .revision(revision)
            } else {
                point = .time(try HistoryRoutes.time(at, name: "at"))
            }
            let filter = try QueryParsing.topologyFilter(request, context)
            let topology = try await HistoryRoutes.answer { () async throws(HistoryError) in
                try await history.topology(at: point)
            }
            return .json(topology.filtered(by: filter))
        case "/api/infra/events":
            guard query.get("since") != nil || query.get("until") != nil else { break }
            let until = try query.get("until").map { try HistoryRoutes.time($0, name: "until") } ?? .now()
            let since =
                try query.get("since").map { try HistoryRoutes.time($0, name: "since") }
                ?? Timestamp(millisecondsSince1970: 0)
            guard since <= until else { throw APIError.badQuery("'since' (\(since)) is after 'until' (\(until))") }
            let filter = try QueryParsing.eventFilter(request, context)
            let limit = try QueryParsing.limit(request, default: 100, max: maxLimit)
            let events = try await HistoryRoutes.answer { () async throws(HistoryError) in
                try await history.events(since: since, until: until, filter: filter, limit: limit)
            }
            var w = JSONWriter()
            w.beginArray()
            for event in events { event.write(to: &w) }
            w.endArray()
            return .json(w.bytes)
        default:
            break
        }
        return try await next(request, context)
    }
}
