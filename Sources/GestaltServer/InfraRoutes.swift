import GestaltEngine
import GestaltModel
import GestaltStreaming
import Hummingbird

/// The read side of PROTOCOL.md: topology, events, entities, health, and
/// their SSE streams.
struct InfraRoutes {
    let store: TopologyStore
    let registry: StreamRegistry
    let fanout: TopologyFanout
    let configuration: ServerConfiguration

    func register(on router: Router<GestaltRequestContext>) {
        let store = store, registry = registry, fanout = fanout, configuration = configuration
        let api = router.group("api/infra")

        api.get("topology") { request, context -> Response in
            let filter = try QueryParsing.topologyFilter(request, context)
            return .json(store.snapshotJSON(filter: filter, asFullUpdate: false).json)
        }

        api.get("topology/stream") { request, context -> Response in
            let filter = try QueryParsing.topologyFilter(request, context)
            let delta = try QueryParsing.delta(request)
            return SSEResponse.topology(
                request: request, context: context, registry: registry, fanout: fanout, filter: filter, delta: delta,
                resumeFrom: QueryParsing.lastEventID(request), options: configuration.stream
            )
        }

        api.get("events") { request, context -> Response in
            let filter = try QueryParsing.eventFilter(request, context)
            let limit = try QueryParsing.limit(request, default: 100, max: configuration.maxEventLimit)
            var w = JSONWriter()
            w.beginArray()
            for event in store.events(filter: filter, limit: limit) { event.write(to: &w) }
            w.endArray()
            return .json(w.bytes)
        }

        api.get("events/stream") { request, context -> Response in
            let filter = try QueryParsing.eventFilter(request, context)
            return SSEResponse.events(
                request: request, context: context, registry: registry, fanout: fanout, filter: filter,
                resumeFrom: QueryParsing.lastEventID(request), options: configuration.stream)
        }

        api.get("entities/**") { _, context -> Response in
            let id = try QueryParsing.pathID(context, what: "entity")
            // Outside the token's scope is the same answer as absent.
            guard let entity = store.entity(id: id), context.restriction.admits(entity) else {
                throw APIError.notFound("no entity with id '\(id)'")
            }
            return .json(entity)
        }

        api.get("health") { _, _ -> Response in .json(store.health()) }
    }
}
