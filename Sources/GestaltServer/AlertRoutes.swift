import GestaltEngine
import GestaltStreaming
import Hummingbird

/// `GET /api/infra/alerts` and its SSE stream. Without an alert engine
/// (`alerts.enabled: false`) the list answers empty with `enabled: false`.
struct AlertRoutes {
    let alerts: (any AlertsView)?
    let registry: StreamRegistry?
    let options: StreamOptions

    static let disabled = Array(#"{"enabled":false,"active":[],"pending":[],"resolved":[]}"#.utf8)

    func register(on router: Router<GestaltRequestContext>) {
        let alerts = alerts, registry = registry, options = options
        let api = router.group("api/infra")
        api.get("alerts") { _, _ -> Response in .json(alerts?.alertsJSON() ?? Self.disabled) }
        guard let registry else { return }
        // `event: connected` with the list, then `event: alert` per transition.
        // Counted with the events channel in `/api/infra/subscriptions`:
        // alerts are events about the map.
        api.get("alerts/stream") { request, context -> Response in
            let feed = AlertFeed(
                current: { alerts?.alertsJSON() ?? Self.disabled }, signal: registry.store.eventSignal,
                options: options)
            return SSEResponse.make(
                request: request, context: context, registry: registry, channel: .events, feed: feed)
        }
    }
}
