import GestaltEngine
import Hummingbird

/// `GET /api/plugins`: the collection pipeline's plugins with their metadata,
/// last timings and warnings.
struct PluginRoutes {
    let store: TopologyStore

    func register(on router: Router<GestaltRequestContext>) {
        let plugins = store.plugins
        router.get("api/plugins") { _, _ -> Response in .json(plugins.allJSON()) }
    }
}
