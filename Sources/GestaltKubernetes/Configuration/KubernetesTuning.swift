/// The reflector's timings and sizes. Defaults follow client-go; tests shorten them.
package struct KubernetesTuning: Sendable, Hashable {
    /// Each watch asks the server to end it after a random number of seconds in this range.
    package var watchTimeoutSeconds: ClosedRange<Int> = 300...600
    /// Backoff between failed attempts: doubles from `backoffInitial` up to `backoffMax`…
    package var backoffInitial: Duration = .milliseconds(800)
    package var backoffMax: Duration = .seconds(30)
    /// …and starts over once a reflector has gone this long without a failure.
    package var backoffResetAfter: Duration = .seconds(120)
    /// A watch that delivers no byte (not even a bookmark) for this long is
    /// abandoned and re-established; nil means the watch timeout plus 30 s.
    package var stallTimeout: Duration?
    /// Items per list page.
    package var pageSize: Int = 500
    /// Try WatchList (`sendInitialEvents=true`) first, falling back to list when refused.
    package var useWatchList: Bool = true
    /// A WatchList that has not sent its initial-events-end bookmark by then
    /// is abandoned for list+watch (a server or proxy ignoring sendInitialEvents).
    package var watchListSyncTimeout: Duration = .seconds(60)
    /// How often metrics.k8s.io is polled.
    package var metricsInterval: Duration = .seconds(30)
    /// How long the projection waits after a change to gather more into the same batch.
    package var coalesce: Duration = .milliseconds(20)
    /// At most this many events from an initial list become InfraEvents (the newest ones).
    package var initialEventLimit: Int = 200

    package init() {}
}
