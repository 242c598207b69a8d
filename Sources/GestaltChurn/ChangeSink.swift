public import GestaltEngine
public import GestaltModel

/// Where a source pushes its changes and events: the store itself, or a
/// `ChurnPipeline` in front of it. Sources take `any ChangeSink`, so the
/// server chooses whether churn smoothing runs.
public protocol ChangeSink: Sendable {
    /// Takes changes in the order the source made them.
    func apply(_ changes: [TopologyChange])
    func record(_ event: InfraEvent)
}

/// The store is the sink without smoothing: changes apply at once, stamped now.
extension TopologyStore: ChangeSink {
    public func apply(_ changes: [TopologyChange]) {
        apply(changes, now: .now())
    }

    public func record(_ event: InfraEvent) {
        let _: InfraEvent = record(event)
    }
}
