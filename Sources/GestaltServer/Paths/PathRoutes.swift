import GestaltEngine
import GestaltModel
import Hummingbird

/// `GET /api/paths`: the plan's `world.infra` paths; `GET /api/paths/{path}`:
/// the answer of the REST route the path names, with the request's query
/// parameters passed on (`?watch=true` follows its stream instead).
struct PathRoutes {
    let statusBoard: SourceStatusBoard
    /// The REST routes, answering the rewritten request.
    let rest: any HTTPResponder<GestaltRequestContext>

    func register(on router: Router<GestaltRequestContext>) {
        let statusBoard = statusBoard, rest = rest
        router.get("api/paths") { _, _ -> Response in
            var w = JSONWriter()
            w.beginArray()
            for path in InfraPath.all {
                w.beginObject()
                w.key("path"); w.string(path.name)
                w.key("summary"); w.string(path.summary)
                w.key("rest"); w.string(path.rest)
                w.key("stream"); if let stream = path.stream { w.string(stream) } else { w.null() }
                w.key("needs"); w.beginArray(); for kind in path.needs { w.string(kind) }; w.endArray()
                w.key("available"); w.bool(Self.missingSource(for: path, statusBoard: statusBoard) == nil)
                w.endObject()
            }
            w.endArray()
            return .json(w.bytes)
        }
        router.get("api/paths/:path") { request, context -> Response in
            let name = context.parameters.get("path") ?? ""
            guard let path = InfraPath.named(name) else {
                throw APIError.notFound("no path '\(name)'; GET /api/paths lists them (e.g. world.infra.k8s.pods)")
            }
            if let missing = Self.missingSource(for: path, statusBoard: statusBoard) {
                throw APIError(.notFound, code: "source_not_configured", missing)
            }
            let uri = try Self.rewrite(request, path: path)
            // The REST router has no access middleware: the target route's
            // own rule applies, so a restricted token gets only routes that
            // narrow their answer to its scope, and a 403 for the others.
            if let principal = context.identity {
                let target = String(uri.prefix { $0 != "?" })
                do throws(AuthFailure) {
                    try AccessMiddleware.check(principal, against: AccessRule.of(method: .get, path: target))
                } catch {
                    return error.response
                }
            }
            var head = request.head
            head.path = uri
            var response = try await rest.respond(to: Request(head: head, body: request.body), context: context)
            response.headers[.init("X-Gestalt-Query")!] = uri
            return response
        }
    }

    /// Why `path` cannot be answered now, or nil when a source it needs runs.
    static func missingSource(for path: InfraPath, statusBoard: SourceStatusBoard) -> String? {
        guard !path.needs.isEmpty else { return nil }
        let running = Set(statusBoard.all.map { $0.name.split(separator: "@").first.map(String.init) ?? $0.name })
        guard running.isDisjoint(with: path.needs) else { return nil }
        let sources = path.needs.filter { $0 != "simulator" }.joined(separator: " or ")
        return "\(path.name) needs the \(sources) source, which is not configured: \(path.howToEnable)"
    }

    /// The REST URI for `path`: its fixed query, then the request's own
    /// parameters (`watch` aside). `id` picks one entity where the route has one.
    static func rewrite(_ request: Request, path: InfraPath) throws -> String {
        let watch = request.uri.queryParameters.get("watch")
        guard watch == nil || watch == "true" || watch == "false" else {
            throw APIError.badQuery("watch must be true or false")
        }
        var base = path.rest
        if watch == "true" {
            guard let stream = path.stream else { throw APIError.badQuery("\(path.name) has no stream to watch") }
            base = stream
        }
        var extra = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("watch=") }.map(String.init)
        if let id = extra.first(where: { $0.hasPrefix("id=") }).map({ String($0.dropFirst(3)) }), watch != "true" {
            extra.removeAll { $0.hasPrefix("id=") }
            switch path.name {
            case "world.infra.health.score": base = "/api/infra/entities/\(id)"
            case "world.infra.health.history":
                base = "/api/infra/metrics/\(id)"
                if !extra.contains(where: { $0.hasPrefix("metrics=") }) { extra.append("metrics=health") }
            default: extra.append("id=\(id)")
            }
        } else if path.name == "world.infra.health.history" {
            throw APIError.badQuery("world.infra.health.history needs id=<entity id>")
        }
        guard !extra.isEmpty else { return base }
        return base + (base.contains("?") ? "&" : "?") + extra.joined(separator: "&")
    }
}
