package import GestaltModel

/// One change a source asks the store to make.
package enum TopologyChange: Sendable, Hashable {
    /// Add the entity, or update it when the change is meaningful.
    case upsertEntity(Entity, health: HealthOrigin = .scored)
    /// Set an entity's layout position. Positions belong to the layout engine:
    /// an `upsertEntity` of an existing entity keeps the stored position.
    case moveEntity(id: String, x: Double, y: Double, z: Double)
    /// Remove the entity and, first, each of its connections.
    case removeEntity(id: String)
    /// Add or update a connection; both ends must exist.
    case upsertConnection(Connection)
    case removeConnection(id: String)
}

/// Where an entity's health comes from.
package enum HealthOrigin: Sendable, Hashable {
    /// The store computes it with its `HealthPolicy`.
    case scored
    /// The source's value stands (a graph API client that set `health` itself).
    case given
}
