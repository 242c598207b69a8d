/// The embedded simulated cluster. Without a configuration file it is the
/// default source; in a file it runs only when its section enables it.
package struct SimulatorSettings: Sendable, Hashable {
    /// Nil: a random seed each start.
    package var seed: UInt64?
    /// Approximate number of entities, 10...200000.
    package var size: Int
    /// Changes per second, 0 or more (0 freezes the cluster after it loads).
    package var rate: Double
    /// Heavy rolling-update churn in a few namespaces.
    package var churn: Bool

    package init(seed: UInt64? = nil, size: Int = 150, rate: Double = 20, churn: Bool = false) {
        self.seed = seed
        self.size = size
        self.rate = rate
        self.churn = churn
    }
}

extension SimulatorSettings {
    static let sectionKeys = ["enabled", "seed", "size", "rate", "churn"]

    /// `collectors.simulator`; nil when it is disabled.
    static func read(_ node: ConfigNode) throws -> SimulatorSettings? {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var settings = SimulatorSettings()
        if let node = section["seed"] {
            let seed = try node.integer("a whole number")
            guard seed >= 0 else { throw node.error("must be 0 or more, got \(node.written)") }
            settings.seed = UInt64(seed)
        }
        if let node = section["size"] { settings.size = try node.integer(in: 10...200_000, "a number of entities") }
        if let node = section["rate"] {
            settings.rate = try node.number("a number of changes per second")
            guard settings.rate >= 0 else {
                throw node.error("must be 0 or more changes per second, got \(node.written)")
            }
        }
        if let node = section["churn"] { settings.churn = try node.bool() }
        return enabled ? settings : nil
    }
}
