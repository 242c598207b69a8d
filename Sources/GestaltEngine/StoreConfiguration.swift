public import GestaltModel

/// Defaults for the store, in one place.
public struct StoreConfiguration: Sendable {
    /// How many recent updates are kept for `Last-Event-ID` resume.
    public var retainedUpdates: Int = 10_000
    /// How many recent events are kept for `/api/infra/events` and resume.
    public var retainedEvents: Int = 10_000
    public var thresholds: ChangeThresholds = .default
    public var healthPolicy: HealthPolicy = .default

    public init() {}
}
