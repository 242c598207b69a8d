import GestaltEngine
import GestaltModel
import GestaltStreaming
import Hummingbird
import Prometheus

/// Liveness, readiness, source statuses, stream figures and `/metrics`.
struct OpsRoutes {
    let store: TopologyStore
    let statusBoard: SourceStatusBoard
    let registry: StreamRegistry
    let metrics: ServerMetrics

    func register(on router: Router<some RequestContext>) {
        let store = store, statusBoard = statusBoard, registry = registry, metrics = metrics

        router.get("healthz") { _, _ -> Response in
            var w = JSONWriter()
            w.beginObject(); w.key("status"); w.string("ok"); w.endObject()
            return .json(w.bytes)
        }

        // Ready once no source is still on its first sync.
        router.get("readyz") { _, _ -> Response in
            let syncing = statusBoard.all.filter { $0.state == .syncing }.map(\.name)
            var w = JSONWriter()
            w.beginObject()
            w.key("status"); w.string(syncing.isEmpty ? "ready" : "syncing")
            w.key("revision"); w.number(store.revision)
            w.key("syncing"); w.beginArray(); for name in syncing { w.string(name) }; w.endArray()
            w.endObject()
            return .json(w.bytes, status: syncing.isEmpty ? .ok : .serviceUnavailable)
        }

        router.get("api/infra/sources") { _, _ -> Response in
            var w = JSONWriter()
            w.beginArray()
            for status in statusBoard.all { status.write(to: &w) }
            w.endArray()
            return .json(w.bytes)
        }

        router.get("api/infra/subscriptions") { _, _ -> Response in
            .json(SubscriptionsJSON(stats: registry.stats.snapshot, registry: registry.snapshot()))
        }

        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(
                    byteBuffer: .init(
                        bytes: metrics.exposition(
                            store: store, stats: registry.stats.snapshot, registry: registry.snapshot())))
            )
        }
    }
}
