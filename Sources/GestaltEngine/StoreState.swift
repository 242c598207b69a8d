import DequeModule
import GestaltModel

/// The store's mutable state; only ever touched under the store's lock.
struct StoreState {
    struct EntityRecord {
        var entity: Entity
        var json: [UInt8]
    }

    struct ConnectionRecord {
        var connection: Connection
        var json: [UInt8]
    }

    struct KindTotals {
        var count = 0
        var healthSum = 0.0
    }

    let configuration: StoreConfiguration
    var revision: UInt64 = 0
    var entities: [String: EntityRecord] = [:]
    var connections: [String: ConnectionRecord] = [:]
    /// The same JSON again, alone: an unfiltered snapshot walks these and
    /// retains one array per item instead of every field of every entity.
    var entityJSON: [String: [UInt8]] = [:]
    var connectionJSON: [String: [UInt8]] = [:]
    /// Entity id → ids of the connections touching it, so removal is O(degree).
    var adjacency: [String: Set<String>] = [:]
    var summary = TopologySummary()
    var healthSum = 0.0
    var byKind: [EntityKind: KindTotals] = [:]
    var log: Deque<LoggedUpdate> = []
    /// The revision just before the log's first update: a reader there reads
    /// the whole log. Revisions are contiguous within one process but jump at
    /// a restart (StoreState+Restore.swift), so positions in the log are found
    /// by search, never by subtraction.
    var logPredecessor: UInt64 = 0
    /// Set by `restore`: the revision the recorded past was put back at.
    var restoredRevision: UInt64?
    /// The last unfiltered `full`, shared by the clients that connect or
    /// resync while it is fresh (see `StoreConfiguration.fullReuse`).
    var cachedFull: (revision: UInt64, json: [UInt8], encodedAt: ContinuousClock.Instant)?
    var eventSeq: UInt64 = 0
    var events: Deque<LoggedEvent> = []
    /// Enrichers' metric overlays (StoreState+Enrichment.swift), by id.
    var entityOverlays: [String: EntityOverlay] = [:]
    var connectionOverlays: [String: ConnectionOverlay] = [:]
    /// The health scoring done since the store last took it (`takeHealthPass`).
    var healthPass = HealthPass()

    init(configuration: StoreConfiguration) {
        self.configuration = configuration
        self.revision = configuration.startingCounter
        self.eventSeq = configuration.startingCounter
        self.logPredecessor = configuration.startingCounter
    }

    // MARK: Applying

    mutating func apply(_ change: TopologyChange, now: Timestamp, into updates: inout [LoggedUpdate]) throws(StoreError)
    {
        switch change {
        case .upsertEntity(let entity, let health):
            upsert(entity, health: health, now: now, into: &updates)
        case .moveEntity(let id, let x, let y, let z):
            guard var entity = entities[id]?.entity else { throw .entityNotFound(id: id) }
            guard entity.x != x || entity.y != y || entity.z != z else { return }
            let old = entity
            (entity.x, entity.y, entity.z) = (x, y, z)
            entity.updatedAt = now
            store(entity)
            log(.update, now: now, entity: entity, previous: old, into: &updates)
        case .removeEntity(let id):
            guard entities[id] != nil else { throw .entityNotFound(id: id) }
            removeEntity(id: id, now: now, into: &updates)
        case .upsertConnection(let connection):
            try upsert(connection, now: now, into: &updates)
        case .removeConnection(let id):
            guard connections[id] != nil else { throw .connectionNotFound(id: id) }
            removeConnection(id: id, now: now, into: &updates)
        }
    }

    mutating func upsert(_ incoming: Entity, health: HealthOrigin, now: Timestamp, into updates: inout [LoggedUpdate]) {
        var entity = overlaid(incoming, health: health)
        if health == .scored {
            // Timed here, not around the whole apply, so the health stage's run is
            // the scoring alone; two clock reads beside encoding the entity's JSON.
            let started = ContinuousClock.now
            entity.health = configuration.healthPolicy.score(entity)
            healthPass.add(since: started)
        }
        entity.health = min(max(entity.health, 0), 1)
        if let old = entities[entity.id]?.entity {
            (entity.x, entity.y, entity.z) = (old.x, old.y, old.z)
            guard configuration.thresholds.isMeaningful(from: old, to: entity) else { return }
            entity.createdAt = old.createdAt
            entity.updatedAt = now
            let filterFieldsChanged =
                old.labels != entity.labels || old.namespace != entity.namespace || old.kind != entity.kind
            untally(old)
            let json = store(entity)
            tally(entity)
            let neighbours = filterFieldsChanged ? neighbours(of: entity.id) : []
            log(
                .update, now: now, entity: entity, previous: old, entityJSON: json, neighbours: neighbours,
                into: &updates)
        } else {
            entity.updatedAt = now
            let json = store(entity)
            tally(entity)
            log(.add, now: now, entity: entity, entityJSON: json, into: &updates)
        }
    }

    /// Flips one entity's stale flag, and nothing else of it. Not an upsert:
    /// that would make the stored entity (base plus metric overlay) the
    /// overlay's new base, so clearing the overlay later would keep the
    /// enriched figures instead of the source's own.
    /// `now` nil keeps the entity's `updated_at` (an edge's own marks: see `TopologyStore.markStale(ids:)`).
    mutating func setStale(id: String, _ stale: Bool, now: Timestamp?, into updates: inout [LoggedUpdate]) {
        guard let old = entities[id]?.entity, old.stale != stale else { return }
        entityOverlays[id]?.base.stale = stale
        var entity = old
        entity.stale = stale
        entity.updatedAt = now ?? old.updatedAt
        store(entity)
        log(.update, now: entity.updatedAt, entity: entity, previous: old, into: &updates)
    }

    private mutating func removeEntity(id: String, now: Timestamp, into updates: inout [LoggedUpdate]) {
        // PROTOCOL.md: each connection is announced before the entity's remove.
        for connectionID in (adjacency[id] ?? []).sorted() {
            removeConnection(id: connectionID, now: now, into: &updates)
        }
        guard let record = entities.removeValue(forKey: id) else { return }
        entityJSON.removeValue(forKey: id)
        entityOverlays.removeValue(forKey: id)
        adjacency.removeValue(forKey: id)
        untally(record.entity)
        log(.remove, now: now, entity: record.entity, entityJSON: record.json, into: &updates)
    }

    mutating func upsert(_ incoming: Connection, now: Timestamp, into updates: inout [LoggedUpdate]) throws(StoreError)
    {
        let connection = overlaid(incoming)
        guard let source = entities[connection.sourceID]?.entity else {
            throw .danglingConnection(id: connection.id, missingEnd: connection.sourceID)
        }
        guard let target = entities[connection.targetID]?.entity else {
            throw .danglingConnection(id: connection.id, missingEnd: connection.targetID)
        }
        let kind: UpdateKind
        if let old = connections[connection.id]?.connection {
            guard configuration.thresholds.isMeaningful(from: old, to: connection) else { return }
            kind = .connUpdate
        } else {
            kind = .connAdd
            adjacency[connection.sourceID, default: []].insert(connection.id)
            adjacency[connection.targetID, default: []].insert(connection.id)
        }
        let json = connection.jsonBytes()
        connections[connection.id] = ConnectionRecord(connection: connection, json: json)
        connectionJSON[connection.id] = json
        log(kind, now: now, connection: connection, connectionJSON: json, ends: (source, target), into: &updates)
    }

    private mutating func removeConnection(id: String, now: Timestamp, into updates: inout [LoggedUpdate]) {
        guard let record = connections.removeValue(forKey: id) else { return }
        connectionJSON.removeValue(forKey: id)
        connectionOverlays.removeValue(forKey: id)
        let connection = record.connection
        adjacency[connection.sourceID]?.remove(id)
        adjacency[connection.targetID]?.remove(id)
        let ends = entities[connection.sourceID].flatMap { s in
            entities[connection.targetID].map { (s.entity, $0.entity) }
        }
        log(.connRemove, now: now, connection: connection, connectionJSON: record.json, ends: ends, into: &updates)
    }

    func neighbours(of id: String) -> [(connection: Connection, peer: Entity)] {
        (adjacency[id] ?? []).compactMap { connectionID in
            guard let connection = connections[connectionID]?.connection else { return nil }
            let peerID = connection.sourceID == id ? connection.targetID : connection.sourceID
            return entities[peerID].map { (connection, $0.entity) }
        }
    }

    @discardableResult
    mutating func store(_ entity: Entity) -> [UInt8] {
        let json = entity.jsonBytes()
        entities[entity.id] = EntityRecord(entity: entity, json: json)
        entityJSON[entity.id] = json
        return json
    }

    mutating func tally(_ entity: Entity) {
        summary.add(entity.health, policy: configuration.healthPolicy)
        healthSum += entity.health
        byKind[entity.kind, default: KindTotals()].count += 1
        byKind[entity.kind, default: KindTotals()].healthSum += entity.health
    }

    mutating func untally(_ entity: Entity) {
        summary.add(entity.health, policy: configuration.healthPolicy, count: -1)
        healthSum -= entity.health
        byKind[entity.kind, default: KindTotals()].count -= 1
        byKind[entity.kind, default: KindTotals()].healthSum -= entity.health
        if byKind[entity.kind]?.count == 0 { byKind.removeValue(forKey: entity.kind) }
    }

    private mutating func log(
        _ kind: UpdateKind, now: Timestamp, entity: Entity? = nil, previous: Entity? = nil, entityJSON: [UInt8]? = nil,
        connection: Connection? = nil, connectionJSON: [UInt8]? = nil, ends: (source: Entity, target: Entity)? = nil,
        neighbours: [(connection: Connection, peer: Entity)] = [], into updates: inout [LoggedUpdate]
    ) {
        // A restored store continues above every revision an earlier process
        // may have streamed (docs/HISTORY.md, the crash rule).
        revision = max(revision, configuration.startingCounter) + 1
        var w = JSONWriter(reservingCapacity: 768)
        let entityBytes = entityJSON ?? entity.flatMap { entities[$0.id]?.json }
        let connectionBytes = connectionJSON
        TopologyUpdate.write(
            kind: kind, revision: revision, timestamp: now, to: &w,
            entity: entityBytes.map { bytes in { $0.raw(bytes) } },
            connection: connectionBytes.map { bytes in { $0.raw(bytes) } }
        )
        let logged = LoggedUpdate(
            revision: revision, kind: kind, timestamp: now, entity: entity, previous: previous,
            connection: connection, ends: ends, neighbours: neighbours, json: w.bytes
        )
        appendToLog(logged)
        updates.append(logged)
    }

    // MARK: Events

    mutating func record(_ event: InfraEvent) -> InfraEvent {
        eventSeq += 1
        var recorded = event
        recorded.seq = eventSeq
        recorded.id = InfraEvent.id(seq: eventSeq)
        if recorded.entityNamespace == nil, let entity = entities[event.entityID]?.entity {
            recorded.entityNamespace = AccessRestriction.namespace(of: entity)
        }
        events.append(LoggedEvent(event: recorded, json: recorded.jsonBytes()))
        if events.count > configuration.retainedEvents { events.removeFirst() }
        return recorded
    }

    func events(after seq: UInt64, limit: Int) -> [LoggedEvent]? {
        if seq == eventSeq { return [] }
        guard seq < eventSeq, let first = events.first, seq + 1 >= first.event.seq else { return nil }
        // Seqs may skip (an edge showing some clusters' events of a shared
        // stream), so the start is searched, not computed.
        var start = 0
        var high = events.count
        while start < high {
            let middle = (start + high) / 2
            if events[middle].event.seq <= seq { start = middle + 1 } else { high = middle }
        }
        return Array(events[start..<(start + min(limit, events.count - start))])
    }

    // MARK: Reading

    mutating func appendToLog(_ logged: LoggedUpdate) {
        log.append(logged)
        if log.count > configuration.retainedUpdates { logPredecessor = log.removeFirst().revision }
    }

    func updates(after seen: UInt64, limit: Int) -> LogRead {
        if seen == revision { return .updates([]) }
        guard let start = logIndex(after: seen) else { return .gone }
        return .updates(Array(log[start..<(start + min(limit, log.count - start))]))
    }

    /// How many logged updates follow `seen`; nil when the log does not hold what follows it.
    func backlog(after seen: UInt64) -> Int? {
        if seen == revision { return 0 }
        return logIndex(after: seen).map { log.count - $0 }
    }

    /// The index of the update right after `seen`, when `seen` is the log's
    /// predecessor or one of its revisions (a revision in a restart's jump
    /// was never streamed by this log, so it has no position).
    private func logIndex(after seen: UInt64) -> Int? {
        guard seen < revision else { return nil }
        if seen == logPredecessor { return 0 }
        var low = 0
        var high = log.count
        while low < high {
            let middle = (low + high) / 2
            if log[middle].revision < seen { low = middle + 1 } else { high = middle }
        }
        guard low < log.count, log[low].revision == seen else { return nil }
        return low + 1
    }

    func snapshot(filter: TopologyFilter) -> Topology {
        let visible = entities.values.lazy.map(\.entity).filter(filter.matches)
        let entityList = Array(visible)
        let ids = filter.isEverything ? nil : Set(entityList.map(\.id))
        let connectionList = connections.values.map(\.connection).filter { c in
            ids.map { $0.contains(c.sourceID) && $0.contains(c.targetID) } ?? true
        }
        let summary =
            filter.isEverything
            ? summary : TopologySummary(healths: entityList.map(\.health), policy: configuration.healthPolicy)
        return Topology(
            revision: revision, timestamp: .now(), entities: entityList, connections: connectionList, summary: summary)
    }

    mutating func snapshotJSON(filter: TopologyFilter, asFullUpdate: Bool) -> (revision: UInt64, json: [UInt8]) {
        let cacheable = asFullUpdate && filter.isEverything
        if cacheable, let cachedFull,
            cachedFull.revision == revision || ContinuousClock.now - cachedFull.encodedAt < configuration.fullReuse,
            cachedFull.revision >= logPredecessor
        {
            return (cachedFull.revision, cachedFull.json)
        }
        let result = encodeSnapshot(filter: filter, asFullUpdate: asFullUpdate)
        if cacheable { cachedFull = (result.revision, result.json, .now) }
        return result
    }

    private func encodeSnapshot(filter: TopologyFilter, asFullUpdate: Bool) -> (revision: UInt64, json: [UInt8]) {
        let estimated =
            entityJSON.values.reduce(0) { $0 + $1.count } + connectionJSON.values.reduce(0) { $0 + $1.count }
        var w = JSONWriter(reservingCapacity: estimated + 1024)
        let now = Timestamp.now()
        var visibleIDs: Set<String>? = filter.isEverything ? nil : []
        var visibleSummary = TopologySummary()
        let writeTopology = { (w: inout JSONWriter) in
            var summaryToWrite = summary
            if !filter.isEverything {
                for record in entities.values where filter.matches(record.entity) {
                    visibleIDs?.insert(record.entity.id)
                    visibleSummary.add(record.entity.health, policy: configuration.healthPolicy)
                }
                summaryToWrite = visibleSummary
            }
            Topology.write(
                revision: revision, timestamp: now, summary: summaryToWrite, to: &w,
                entities: { w in
                    if let ids = visibleIDs {
                        for id in ids { w.raw(entityJSON[id]!) }
                    } else {
                        for json in entityJSON.values { w.raw(json) }
                    }
                },
                connections: { w in
                    guard let ids = visibleIDs else {
                        for json in connectionJSON.values { w.raw(json) }
                        return
                    }
                    for record in connections.values
                    where ids.contains(record.connection.sourceID) && ids.contains(record.connection.targetID) {
                        w.raw(record.json)
                    }
                }
            )
        }
        if asFullUpdate {
            TopologyUpdate.write(kind: .full, revision: revision, timestamp: now, to: &w, topology: writeTopology)
        } else {
            writeTopology(&w)
        }
        return (revision, w.bytes)
    }

    func healthReport() -> HealthReport {
        let overall = summary.totalEntities > 0 ? healthSum / Double(summary.totalEntities) : 1
        var kinds: [EntityKind: HealthReport.KindHealth] = [:]
        for (kind, totals) in byKind where totals.count > 0 {
            kinds[kind] = HealthReport.KindHealth(count: totals.count, health: totals.healthSum / Double(totals.count))
        }
        return HealthReport(overall: overall, summary: summary, byKind: kinds, maxEntities: configuration.maxEntities)
    }
}

/// Health scoring's share of what one call into the store applied: a pass of
/// the pipeline's health stage, recorded once per call, never per entity.
struct HealthPass {
    var entities = 0
    var time: Duration = .zero

    mutating func add(since started: ContinuousClock.Instant) {
        entities += 1
        time += ContinuousClock.now - started
    }
}

extension StoreState {
    /// The scoring done since the last take, and a fresh count for the next call.
    mutating func takeHealthPass() -> HealthPass {
        defer { healthPass = HealthPass() }
        return healthPass
    }
}
