/// How the simulated cluster behaves: `--demo-seed`, `--demo-rate`,
/// `--demo-size` and `--demo-churn`.
///
/// ```swift
/// let cluster = SimulatedCluster(configuration: SimulatorConfiguration(seed: 42, size: 1_000))
/// ```
package struct SimulatorConfiguration: Sendable, Hashable {
    /// The same seed gives the same cluster and the same history for the same step times.
    package var seed: UInt64
    /// Average topology changes per second from the simulated life; 0 freezes the cluster
    /// once it is loaded. Churn mode adds its own rolling updates on top.
    package var changesPerSecond: Double
    /// Approximate number of entities to build (about 100 to 100,000).
    package var size: Int
    /// Heavy rolling-update churn in a few namespaces, with pods that are pending for
    /// less than a second, so that churn smoothing can be seen and tested.
    package var churn: Bool
    /// How often the runner steps the simulation.
    package var tickInterval: Duration

    package static let defaultChangesPerSecond = 20.0
    package static let defaultSize = 150

    /// - Parameter seed: nil picks a random seed (the only use of system randomness).
    package init(
        seed: UInt64? = nil, changesPerSecond: Double = SimulatorConfiguration.defaultChangesPerSecond,
        size: Int = SimulatorConfiguration.defaultSize, churn: Bool = false, tickInterval: Duration = .milliseconds(100)
    ) {
        var system = SystemRandomNumberGenerator()
        self.seed = seed ?? system.next()
        self.changesPerSecond = max(0, changesPerSecond)
        self.size = max(1, size)
        self.churn = churn
        self.tickInterval = tickInterval
    }
}
