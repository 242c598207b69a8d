package import GestaltModel

/// What one server looks like after one poll: its entities, their `owns`
/// and `depends` connections, and the conditions events are made from.
package struct ServerPicture: Sendable, Hashable {
    package var entities: [Entity] = []
    package var connections: [Connection] = []
    package var conditions: [Condition] = []

    package init(entities: [Entity] = [], connections: [Connection] = [], conditions: [Condition] = []) {
        self.entities = entities
        self.connections = connections
        self.conditions = conditions
    }
}

/// One judged aspect of one entity (its pool, its longest query, whether it
/// answers) at a level: 0 is fine, higher is worse. `event` is what to record
/// when the entity enters this level, so a level that holds for many polls
/// is reported once.
package struct Condition: Sendable, Hashable {
    package var entityID: String
    package var aspect: String
    package var level: Int
    package var event: InfraEvent

    package init(entityID: String, aspect: String, level: Int, event: InfraEvent) {
        self.entityID = entityID
        self.aspect = aspect
        self.level = level
        self.event = event
    }
}

/// Remembers each condition's level and yields an event only when it changes.
/// A condition seen for the first time starts from level 0, so a server that
/// is already in trouble when the collector starts is reported once.
package struct ConditionWatch: Sendable {
    private struct Key: Hashable {
        var entityID: String
        var aspect: String
    }

    private var levels: [Key: Int] = [:]

    package init() {}

    package mutating func crossings(_ conditions: [Condition]) -> [InfraEvent] {
        conditions.compactMap { condition in
            let key = Key(entityID: condition.entityID, aspect: condition.aspect)
            let previous = levels[key] ?? 0
            levels[key] = condition.level
            return previous == condition.level ? nil : condition.event
        }
    }

    /// Forgets the conditions of entities that are gone, so one that comes
    /// back starts afresh.
    package mutating func keep(only entityIDs: Set<String>) {
        levels = levels.filter { entityIDs.contains($0.key.entityID) }
    }
}
