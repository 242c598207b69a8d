public import GestaltEngine

/// Ticks the store's signals so idle streams can send `: keepalive`. One
/// ticker for all streams, instead of a timer per client.
public struct KeepaliveTicker: Sendable {
    let signals: [ChangeSignal]
    let period: Duration

    /// Ticks three times per keepalive interval, so an idle stream sends its
    /// comment at most a third of an interval late.
    public init(store: TopologyStore, keepalive: Duration) {
        self.init(signals: [store.topologySignal, store.eventSignal], keepalive: keepalive)
    }

    public init(signals: [ChangeSignal], keepalive: Duration) {
        self.signals = signals
        self.period = keepalive / 3
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            for signal in signals { signal.tick() }
        }
    }
}
