package import GestaltEngine
package import GestaltModel

/// What one evaluation looks at: the entities, the sources' states, and the
/// events recorded since the previous evaluation.
package struct AlertInput: Sendable {
    package var entities: [Entity]
    package var sources: [SourceStatus]
    package var newEvents: [InfraEvent]

    package init(entities: [Entity] = [], sources: [SourceStatus] = [], newEvents: [InfraEvent] = []) {
        self.entities = entities
        self.sources = sources
        self.newEvents = newEvents
    }
}
