import GestaltEngine

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
        // the removal, not on an earlier slot.
        switch change {
        case .removeEntity(let id): forgetUpserts(of: id, connectionsToo: true)
        case .removeConnection(let id): forgetUpserts(of: id, connectionsToo: false)
        default: break
        }
        var batch = batches[key] ?? Batch(deadline: now + window)
        switch change {
        case .upsertEntity(let entity, _):
            if let index = batch.entityUpserts[entity.id] { batch.slots[index].change = change; batches[key] = batch; return }
            batch.entityUpserts[entity.id] = batch.slots.count
        case .moveEntity(let id, _, _, _):
            if let index = batch.moves[id] { batch.slots[index].change = change; batches[key] = batch; return }
            batch.moves[id] = batch.slots.count
        case .upsertConnection(let connection):
            if let index = batch.connectionUpserts[connection.id] {
                batch.slots[index].change = change
                batches[key] = batch
                return
            }
            batch.connectionUpserts[connection.id] = batch.slots.count
        case .removeEntity, .removeConnection:
            break
        }
        nextSeq += 1
        batch.slots.append(Slot(seq: nextSeq, change: change))
        batches[key] = batch
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

    private mutating func forgetUpserts(of id: String, connectionsToo: Bool) {
        for key in naming[id] ?? [] {
            guard var batch = batches[key] else { continue }
            if connectionsToo {
                batch.entityUpserts[id] = nil
                batch.moves[id] = nil
                batch.connectionUpserts = batch.connectionUpserts.filter { _, index in
                    guard case .upsertConnection(let c) = batch.slots[index].change else { return true }
                    return c.sourceID != id && c.targetID != id
                }
            } else {
                batch.connectionUpserts[id] = nil
            }
            batches[key] = batch
        }
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
