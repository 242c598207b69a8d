import GestaltEngine
import GestaltModel

/// Changes waiting out the debounce window, one batch per namespace.
///
/// A batch opens with its first change and is due one window later, so no
/// change waits longer than the window. Within the window a later upsert of
/// an entity (or connection, or position) replaces the earlier one in place:
/// the first position is kept, which is never later than anything that
/// needed the entity.
///
/// Ordering across batches: a change names entities and connections (a
/// connection names its ends too). When a batch is due, every batch that
/// names something it names goes out with it, and the slots are merged in
/// submission order, so whatever the source ordered (an entity before its
/// connections, a connection's removal before its end's) stays ordered.
struct ChangeBatches {
    private struct Slot {
        var seq: UInt64
        var change: TopologyChange
    }

    private struct Batch {
        var deadline: ContinuousClock.Instant
        var slots: [Slot] = []
        /// Slot index of the latest upsert per entity, move per entity and
        /// upsert per connection, while nothing removed it since.
        var entityUpserts: [String: Int] = [:]
        var moves: [String: Int] = [:]
        var connectionUpserts: [String: Int] = [:]
        /// Entity id → connections in `connectionUpserts` that touch it.
        var connectionsByEnd: [String: Set<String>] = [:]

        /// Puts a change in a new slot, or in the slot of the change it supersedes.
        mutating func take(_ change: TopologyChange, seq: () -> UInt64) -> Bool {
            switch change {
            case .upsertEntity(let entity, _):
                if let index = entityUpserts[entity.id] { slots[index].change = change; return false }
                entityUpserts[entity.id] = slots.count
            case .moveEntity(let id, _, _, _):
                if let index = moves[id] { slots[index].change = change; return false }
                moves[id] = slots.count
            case .upsertConnection(let c):
                if let index = connectionUpserts[c.id] { slots[index].change = change; return false }
                connectionUpserts[c.id] = slots.count
                connectionsByEnd[c.sourceID, default: []].insert(c.id)
                connectionsByEnd[c.targetID, default: []].insert(c.id)
            case .removeEntity, .removeConnection:
                break
            }
            slots.append(Slot(seq: seq(), change: change))
            return true
        }

        /// After a removal, later upserts must take new slots.
        mutating func forget(entity id: String) {
            entityUpserts[id] = nil
            moves[id] = nil
            for connectionID in connectionsByEnd.removeValue(forKey: id) ?? [] { connectionUpserts[connectionID] = nil }
        }

        mutating func forget(connection id: String) {
            connectionUpserts[id] = nil
        }
    }

    private var batches: [String: Batch] = [:]
    /// Entity or connection id → keys of the batches with a change naming it.
    private var naming: [String: Set<String>] = [:]
    private var nextSeq: UInt64 = 0

    var isEmpty: Bool { batches.isEmpty }

    /// The key of a batch that names the entity, if one does: a connection
    /// goes with its ends, so cross-namespace merging stays rare.
    func batchKey(naming id: String) -> String? { naming[id]?.first }

    mutating func add(_ change: TopologyChange, key: String, now: ContinuousClock.Instant, window: Duration) {
        // After a removal, a later upsert of the same thing must land after
        // the removal, not on an earlier slot, in whichever batch it is.
        switch change {
        case .removeEntity(let id): for other in naming[id] ?? [] { batches[other]?.forget(entity: id) }
        case .removeConnection(let id): for other in naming[id] ?? [] { batches[other]?.forget(connection: id) }
        default: break
        }
        // Mutated in place: a copy out of the dictionary would copy every slot.
        let added = batches[key, default: Batch(deadline: now + window)].take(change) {
            nextSeq += 1
            return nextSeq
        }
        guard added else { return }
        for id in Self.names(of: change) { naming[id, default: []].insert(key) }
    }

    /// Takes the due batches and those they depend on, merged in submission order.
    mutating func takeDue(now: ContinuousClock.Instant) -> [TopologyChange] {
        var pending = batches.compactMap { $0.value.deadline <= now ? $0.key : nil }
        guard !pending.isEmpty else { return [] }
        var taken: Set<String> = []
        var slots: [Slot] = []
        while let key = pending.popLast() {
            guard taken.insert(key).inserted, let batch = batches.removeValue(forKey: key) else { continue }
            for slot in batch.slots {
                slots.append(slot)
                for id in Self.names(of: slot.change) {
                    guard var keys = naming[id] else { continue }
                    keys.remove(key)
                    for other in keys where !taken.contains(other) { pending.append(other) }
                    naming[id] = keys.isEmpty ? nil : keys
                }
            }
        }
        slots.sort { $0.seq < $1.seq }
        return slots.map(\.change)
    }

    /// The ids a change names: itself, and a connection's ends.
    private static func names(of change: TopologyChange) -> [String] {
        switch change {
        case .upsertEntity(let entity, _): [entity.id]
        case .moveEntity(let id, _, _, _), .removeEntity(let id): [id]
        case .upsertConnection(let c): [c.id, c.sourceID, c.targetID]
        case .removeConnection(let id):
            if let ends = ConnectionID.ends(of: id) { [id, ends.source, ends.target] } else { [id] }
        }
    }
}
