package import GestaltEngine
import GestaltStreaming
import Hummingbird

/// Where the graph API's events go and where the SSE bridge reads them.
/// Without NATS, `emit` appends to `log` directly. With NATS, `emit` hands
/// the event to the publisher and the NATS subscription fills `log`, so every
/// server sharing the NATS server sees every server's events.
package struct GraphEventRouting: Sendable {
    package let log: GraphEventLog
    package let emit: @Sendable (GraphEvent) -> Void

    package init(log: GraphEventLog = GraphEventLog(), emit: (@Sendable (GraphEvent) -> Void)? = nil) {
        self.log = log
        self.emit = emit ?? { event in log.append(event) }
    }
}

/// `GET /api/graph/events/stream[?project_id=]`.
struct GraphEventRoutes {
    let log: GraphEventLog
    let registry: StreamRegistry
    let options: StreamOptions

    func register(on router: Router<GestaltRequestContext>) {
        let log = log, registry = registry, options = options
        router.get("api/graph/events/stream") { request, context -> Response in
            // An unreadable Last-Event-ID starts from now, as on the other streams:
            // a 400 would stop an EventSource from ever reconnecting.
            let stream = GraphEventStream(
                log: log, projectID: try Self.projectID(request), resumeFrom: QueryParsing.lastEventID(request),
                options: options
            )
            return SSEResponse.make(
                request: request, context: context, registry: registry, channel: .events, feed: stream)
        }
    }

    /// One project per stream, and a named one: an empty value or two values
    /// is a client mistake, not a filter that quietly matches nothing.
    static func projectID(_ request: Request) throws -> String? {
        let values = request.uri.queryParameters.getAll("project_id")
        guard values.count <= 1 else {
            throw APIError.badQuery("query parameter 'project_id' names one project; got \(values.count)")
        }
        guard let value = values.first else { return nil }
        guard !value.isEmpty else {
            throw APIError.badQuery("query parameter 'project_id' is empty; leave it out to follow every project")
        }
        return String(value)
    }
}
