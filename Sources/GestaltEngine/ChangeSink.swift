package import GestaltModel

/// Where a source pushes its changes and events: the store itself, or a
/// `ChurnPipeline` in front of it. Sources take `any ChangeSink`, so the
/// server chooses whether churn smoothing runs.
///
/// The requirements have the store's own signatures, so the store conforms
/// without new overloads: a `Void`-returning `apply(_:)` beside the store's
/// `apply(_:now:) -> ApplyResult` made `store.apply(x)` pick the wrong one
/// and `store.record(e)` ambiguous in every module importing this one.
package protocol ChangeSink: Sendable {
    /// Takes changes in the order the source made them; `now` stamps those
    /// that reach the store during this call, which the result describes.
    @discardableResult
    func apply(_ changes: [TopologyChange], now: Timestamp) -> ApplyResult

    /// Records an event at once, assigning its `seq` and `id`.
    @discardableResult
    func record(_ event: InfraEvent) -> InfraEvent
}

/// The store is the sink without smoothing: changes apply at once.
extension TopologyStore: ChangeSink {}
