import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel
import Synchronization
import Testing

/// The service over a real store and status board: what it reads, what it
/// announces, and the list it answers for `/api/infra/alerts`.
struct AlertServiceTests {
    func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: 1_000_000 + seconds * 1000) }

    @Test func announcesEachFireAndResolveOnceAndListsThem() throws {
        let store = TopologyStore(configuration: StoreConfiguration())
        let board = SourceStatusBoard()
        let heard = Mutex<[AlertTransition]>([])
        let settings = AlertSettings(
            enabled: true,
            rules: [
                AlertRule(
                    name: "db-failed", kinds: [.database], statuses: [.failed], holdFor: .seconds(10),
                    severity: .critical)
            ],
            builtin: BuiltinAlertRules(enabled: false)
        )
        let service = AlertService(settings: settings, thresholds: HealthThresholds(), store: store, statusBoard: board)
        { transition in
            heard.withLock { $0.append(transition) }
        }
        _ = try store.create(Entity(id: "pg:db/orders", kind: .database, name: "orders", source: "pg", status: .failed))
        service.evaluate(now: at(0))
        #expect(heard.withLock { $0.isEmpty })
        #expect(
            String(decoding: service.alertsJSON(), as: UTF8.self).contains(
                #""pending":[{"id":"db-failed/pg:db/orders""#))
        service.evaluate(now: at(10))
        service.evaluate(now: at(11))
        #expect(heard.withLock { $0.map(\.alert.state) } == [.firing])
        #expect(service.firing.map(\.id) == ["db-failed/pg:db/orders"])
        _ = try store.modify(entityID: "pg:db/orders") { $0.status = .running }
        service.evaluate(now: at(12))
        service.evaluate(now: at(13))
        #expect(heard.withLock { $0.map(\.alert.state) } == [.firing, .resolved])
        let json = String(decoding: service.alertsJSON(), as: UTF8.self)
        #expect(
            json.hasPrefix(
                #"{"enabled":true,"active":[],"pending":[],"resolved":[{"id":"db-failed/pg:db/orders","rule":"db-failed","severity":"critical""#
            ))
    }
}
