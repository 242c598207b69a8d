import GestaltModel
import Hummingbird

/// `/api/graph/nodes` and `/api/graph/edges`. Bodies in the graph seed's
/// field names are accepted too (`GraphBodyAliases`).
struct GraphRoutes {
    let graph: GraphAPI
    let maxBodyBytes: Int

    func register(on router: Router<some RequestContext>) {
        let graph = graph, maxBodyBytes = maxBodyBytes
        let api = router.group("api/graph")

        api.post("nodes") { request, _ -> Response in
            let body = try await Self.body(request, limit: maxBodyBytes)
            return .json(try graph.createNode(GraphBodyAliases.node(body)), status: .created)
        }
        api.patch("nodes/**") { request, context -> Response in
            let id = try QueryParsing.pathID(context, what: "node")
            let body = try await Self.body(request, limit: maxBodyBytes)
            return .json(try graph.patchNode(id: id, GraphBodyAliases.node(body)))
        }
        api.delete("nodes/**") { _, context -> Response in
            try graph.deleteNode(id: try QueryParsing.pathID(context, what: "node"))
            return Response(status: .noContent)
        }
        api.post("edges") { request, _ -> Response in
            let body = try await Self.body(request, limit: maxBodyBytes)
            return .json(try graph.createEdge(GraphBodyAliases.edge(body)), status: .created)
        }
        api.delete("edges/**") { _, context -> Response in
            try graph.deleteEdge(id: try QueryParsing.pathID(context, what: "edge"))
            return Response(status: .noContent)
        }
    }

    /// The body as a JSON object; over the limit is 413 before anything is parsed.
    static func body(_ request: Request, limit: Int) async throws -> [String: JSONValue] {
        var request = request
        let buffer: NIOCore.ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(
                .contentTooLarge, code: "body_too_large", "request body is over the \(limit / 1024) KiB limit")
        }
        return try JSONValue.object(from: Array(buffer.readableBytesView))
    }
}
