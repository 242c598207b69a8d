import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Logging

/// The alert engine from the `alerts` and `health` sections (or the defaults
/// when there is no file): its evaluation loop, and one delivery queue per
/// configured channel.
enum AlertWiring {
    static func engine(
        file: GestaltConfiguration?, store: TopologyStore, statusBoard: SourceStatusBoard, server: GestaltServer,
        logger: Logger
    ) -> (AlertService, [BackgroundService])? {
        // Without a file the default rules run (and deliver nowhere); a file
        // turns them on with its `alerts` section.
        let settings = file?.alerts ?? AlertSettings(enabled: true)
        guard settings.enabled else { return nil }
        let delivery = AlertDelivery(settings: settings, post: HTTPWebhookPoster(), logger: logger)
        let streams = server.registry
        let service = AlertService(
            settings: settings, thresholds: file?.health ?? HealthThresholds(), store: store, statusBoard: statusBoard
        ) { transition in
            let alert = transition.alert
            logger.info("alert \(alert.state.rawValue): \(alert.id): \(alert.summary)")
            streams.broadcast(BroadcastMessage(type: "alert", payload: alert.jsonBytes()))
            delivery.deliver(transition)
        }
        // With no channel configured there is nothing to run, and a service
        // whose work ends at once would be reported as a loop that stopped.
        let deliveryService =
            delivery.queues.isEmpty ? [] : [BackgroundService(name: "alert delivery") { await delivery.run() }]
        return (service, [BackgroundService(name: "alerts") { try await service.run() }] + deliveryService)
    }
}
