package import GestaltModel

/// Defaults for the store, in one place.
package struct StoreConfiguration: Sendable {
    /// How many recent updates are kept for `Last-Event-ID` resume.
    package var retainedUpdates: Int = 10_000
    /// How many recent events are kept for `/api/infra/events` and resume.
    package var retainedEvents: Int = 10_000
    package var thresholds: ChangeThresholds = .default
    package var healthPolicy: HealthPolicy = .default
    /// `visualization.max_entities`: past it the store keeps everything and
    /// says so (`EntityLimitWatch`, `/api/infra/health`); nil is no limit.
    package var maxEntities: Int?
    /// The revision and event seq before the first change. A server gives
    /// each process a base above every revision an earlier process could have
    /// reached (see `processBase`), so a client's `Last-Event-ID` from before a
    /// restart reads as too old and earns a `full`, never a wrong resume.
    package var startingCounter: UInt64 = 0
    /// How long an unfiltered `full` may be handed out again. A reader of a
    /// slightly older full catches up from the log, which still holds every
    /// update after it; under a storm of resyncs this turns one 650 KB
    /// encoding per client into one per interval, shared by all of them.
    package var fullReuse: Duration = .milliseconds(250)

    /// Microseconds since 1970 at `date`: an earlier process would have had to
    /// apply more than one change per microsecond of its life to reach it, and
    /// it stays below 2^53, so JavaScript clients read it exactly.
    package static func processBase(at millisecondsSince1970: Int64 = Timestamp.now().millisecondsSince1970) -> UInt64 {
        UInt64(max(0, millisecondsSince1970)) * 1000
    }

    package init() {}
}
