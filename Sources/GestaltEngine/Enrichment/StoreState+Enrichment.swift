import GestaltModel

/// The metric overlay: each enriched entity or connection keeps the overlay
/// and the last value its source sent (the base). Every upsert replaces the
/// base and publishes base + overlay, so the source's figures never replace
/// the enriched ones; clearing the overlay publishes the base again.
extension StoreState {
    struct EntityOverlay {
        var metrics: EnrichedMetrics
        var base: Entity
        var health: HealthOrigin
    }

    struct ConnectionOverlay {
        var traffic: EnrichedTraffic
        var base: Connection
    }

    /// Sets or clears one overlay; throws when its entity or connection is not
    /// stored (an overlay never waits for its target, so none can pile up).
    mutating func enrich(
        _ enrichment: Enrichment, now: Timestamp, into updates: inout [LoggedUpdate]
    ) throws(StoreError) {
        switch enrichment {
        case .entity(let id, let metrics):
            guard let stored = entities[id]?.entity else { throw .entityNotFound(id: id) }
            let previous = entityOverlays[id]
            let base = previous?.base ?? stored
            // Until its source upserts again, an entity's health origin is not
            // known here; enrichment is for source-fed entities, whose health is scored.
            let health = previous?.health ?? .scored
            if let metrics, !metrics.isEmpty {
                entityOverlays[id] = EntityOverlay(metrics: metrics, base: base, health: health)
            } else {
                guard previous != nil else { return }
                entityOverlays.removeValue(forKey: id)
            }
            upsert(base, health: health, now: now, into: &updates)
        case .connection(let id, let traffic):
            guard let stored = connections[id]?.connection else { throw .connectionNotFound(id: id) }
            let previous = connectionOverlays[id]
            let base = previous?.base ?? stored
            if let traffic, !traffic.isEmpty {
                connectionOverlays[id] = ConnectionOverlay(traffic: traffic, base: base)
            } else {
                guard previous != nil else { return }
                connectionOverlays.removeValue(forKey: id)
            }
            try upsert(base, now: now, into: &updates)
        }
    }

    /// What an upsert of `entity` publishes: the entity with its overlay on
    /// top, remembering the source's own figures as the new base.
    mutating func overlaid(_ entity: Entity, health: HealthOrigin) -> Entity {
        guard let overlay = entityOverlays[entity.id] else { return entity }
        entityOverlays[entity.id] = EntityOverlay(metrics: overlay.metrics, base: entity, health: health)
        return overlay.metrics.applied(to: entity)
    }

    mutating func overlaid(_ connection: Connection) -> Connection {
        guard let overlay = connectionOverlays[connection.id] else { return connection }
        connectionOverlays[connection.id] = ConnectionOverlay(traffic: overlay.traffic, base: connection)
        return overlay.traffic.applied(to: connection)
    }
}
