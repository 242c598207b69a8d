package import GestaltEngine

/// Ticks the store's signals so idle streams can send `: keepalive`. One
/// ticker for all streams, instead of a timer per client.
package struct KeepaliveTicker: Sendable {
    let signals: [ChangeSignal]
    let period: Duration
    /// Injected so tests drive the ticks with a test clock instead of waiting.
    let clock: any Clock<Duration>

    /// Ticks three times per keepalive interval, so an idle stream sends its
    /// comment at most a third of an interval late.
    package init(store: TopologyStore, keepalive: Duration) {
        self.init(signals: [store.topologySignal, store.eventSignal], keepalive: keepalive)
    }

    package init(signals: [ChangeSignal], keepalive: Duration, clock: any Clock<Duration> = ContinuousClock()) {
        self.signals = signals
        self.period = keepalive / 3
        self.clock = clock
    }

    /// Runs until the task is cancelled (a cancelled sleep throws: no tick after it).
    package func run() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: period) } catch { return }
            for signal in signals { signal.tick() }
        }
    }
}
