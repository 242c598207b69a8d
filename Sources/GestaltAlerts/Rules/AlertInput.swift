public import GestaltEngine
public import GestaltModel

/// What one evaluation looks at: the entities, the sources' states, and the
/// events recorded since the previous evaluation.
public struct AlertInput: Sendable {
    public var entities: [Entity]
    public var sources: [SourceStatus]
    public var newEvents: [InfraEvent]

    public init(entities: [Entity] = [], sources: [SourceStatus] = [], newEvents: [InfraEvent] = []) {
        self.entities = entities
        self.sources = sources
        self.newEvents = newEvents
    }
}
