import GestaltEngine
import GestaltLayout
import GestaltServer
import Logging
import ServiceLifecycle

/// Chooses the sources for `serve` from its flags.
enum SourceWiring {
    static func services(
        demo: DemoOptions, kubernetes: KubernetesOptions, store: TopologyStore, statusBoard: SourceStatusBoard, logger: Logger
    ) throws -> [any Service] {
        []
    }
}

enum LayoutWiring {
    static func services(store: TopologyStore, enabled: Bool, seed: UInt64) -> [any Service] {
        guard enabled else { return [] }
        let layout = LayoutService(configuration: LayoutConfiguration(seed: seed))
        return [BackgroundService(name: "layout") { await layout.run(store: store) }]
    }
}
