/// What the HTTP layer reads of the alert engine. The engine module defines
/// it so the server answers `/api/infra/alerts` without linking the alert
/// rules or their delivery (GestaltAlerts implements it).
package protocol AlertsView: Sendable {
    /// `{"enabled", "active", "pending", "resolved"}` (PROTOCOL.md).
    func alertsJSON() -> [UInt8]
}
