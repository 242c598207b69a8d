/// Every pod-churn threshold and default, in one place.
///
/// The defaults are the Constellation seed's numbers: a 500 ms debounce, pods
/// pending for under 1 s hidden, terminating pods held for 2 s.
package struct ChurnConfiguration: Sendable, Hashable {
    /// How long changes of one namespace are gathered before they go to the
    /// store. Zero turns debouncing off: changes go out on the next `due`.
    package var debounceWindow: Duration = .milliseconds(500)
    /// A new pod that is still pending (or already terminating) is not shown
    /// until it has existed this long; if it runs or goes before, its pending
    /// phase is never shown. Zero shows pending pods at once.
    package var pendingHide: Duration = .seconds(1)
    /// A pod shown as terminating stays in the topology at least this long.
    /// Zero lets removals through at once.
    package var terminatingHold: Duration = .seconds(2)
    /// Pod additions plus removals per minute in one namespace above which
    /// the namespace is "churning".
    package var churnThreshold: Double = 30
    /// The sliding window the churn rate is measured over; the rate is
    /// scaled to pods per minute whatever its length.
    package var churnWindow: Duration = .seconds(60)
    /// A churning namespace calms when its rate drops below
    /// `churnThreshold * calmHysteresis`, so a rate hovering at the
    /// threshold does not flap between the two modes.
    package var calmHysteresis: Double = 0.5
    /// How often a churning namespace's summary is repeated.
    package var summaryInterval: Duration = .seconds(2)
    /// How often `ChurnPipeline.run()` releases due changes and notices.
    package var tickInterval: Duration = .milliseconds(50)

    package init() {}

    /// The seed's defaults.
    package static let `default` = ChurnConfiguration()

    /// Every smoothing step off: changes pass straight through and churn is
    /// never reported (benchmarks measure the store and the fan-out alone).
    package static var passThrough: ChurnConfiguration {
        var configuration = ChurnConfiguration()
        configuration.debounceWindow = .zero
        configuration.pendingHide = .zero
        configuration.terminatingHold = .zero
        configuration.churnThreshold = .infinity
        return configuration
    }

    /// The churn rate, in pods per minute, below which a churning namespace calms.
    var calmThreshold: Double { churnThreshold * calmHysteresis }
}
