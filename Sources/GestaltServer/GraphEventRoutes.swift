public import GestaltEngine
import GestaltStreaming
import Hummingbird

/// Where the graph API's events go and where the SSE bridge reads them.
/// Without NATS, `emit` appends to `log` directly. With NATS, `emit` hands
/// the event to the publisher and the NATS subscription fills `log`, so every
/// server sharing the NATS server sees every server's events.
public struct GraphEventRouting: Sendable {
    public let log: GraphEventLog
    public let emit: @Sendable (GraphEvent) -> Void

    public init(log: GraphEventLog = GraphEventLog(), emit: (@Sendable (GraphEvent) -> Void)? = nil) {
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
            let stream = GraphEventStream(
                log: log, projectID: request.uri.queryParameters.get("project_id").map { String($0) },
                resumeFrom: QueryParsing.lastEventID(request), options: options
            )
            return stream.response(request: request, context: context, registry: registry)
        }
    }
}
