/// Knobs shared by every stream, with their defaults in one place.
package struct StreamOptions: Sendable {
    /// Sent as `retry:`: how long an EventSource waits before reconnecting.
    package var retryMilliseconds: Int = 2000
    /// A `: keepalive` comment goes out after this much idle time.
    package var keepalive: Duration = .seconds(15)
    /// Most messages read from the log per write; bounds one write's size.
    package var batchLimit: Int = 512
    /// A client this many updates behind gets a fresh `full` instead of its backlog.
    package var resyncThreshold: Int = 1000
    /// Least time between two fan-out passes of one event loop: changes that
    /// come faster reach each client joined in one write (`TopologyFanout`).
    /// `gestalt serve` sets 16 ms (`--fanout-window`); zero here, a pass per
    /// change, so a server built in a test answers a change at once.
    package var passWindow: Duration = .zero

    package init() {}
}
