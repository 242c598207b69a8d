package import GestaltEngine
package import GestaltModel

/// Where a cycle reads what is stored and lays its overlays: a running
/// source's context, or the store itself (benchmarks).
package protocol EnrichmentTarget: Sendable {
    func entity(id: String) -> Entity?
    func connection(id: String) -> Connection?
    /// The stored entities of these kinds, by kind: a cycle counts those it left without figures.
    func entityIDs(of kinds: Set<EntityKind>) -> [EntityKind: [String]]
    /// Sets or clears overlays, as `TopologyStore.enrich(_:now:)`.
    @discardableResult
    func enrich(_ enrichments: [Enrichment], now: Timestamp) -> EnrichResult
}

extension SourceContext: EnrichmentTarget {}
extension TopologyStore: EnrichmentTarget {}
