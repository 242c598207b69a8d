/// How a stream sends an entity's `update`: the whole entity (the contract's
/// default), or only the fields that changed (`{"op":"patch","set":{…}}`),
/// which a client asks for with `delta=patch`.
package enum DeltaForm: String, Sendable, Hashable, CaseIterable {
    case entity, patch

    /// The form named by a query or subscribe value; nil when unknown.
    package init?(wireName: String) { self.init(rawValue: wireName) }
}

extension Entity {
    /// Writes, as one JSON object, each field of `self` whose wire value
    /// differs from `previous`'s, keyed and written exactly as in the whole
    /// entity, so a client merges it into what it has (`Object.assign`).
    /// `stale` is written as `false` when it clears, since the whole entity
    /// omits it then.
    package func writeChanges(from previous: Entity, to w: inout JSONWriter) {
        w.beginObject()
        if kind != previous.kind { w.key("kind"); w.string(kind.rawValue) }
        if name != previous.name { w.key("name"); w.string(name) }
        if namespace != previous.namespace {
            w.key("namespace")
            if let namespace { w.string(namespace) } else { w.null() }
        }
        if source != previous.source { w.key("source"); w.string(source) }
        if status != previous.status { w.key("status"); w.string(status.rawValue) }
        if labels != previous.labels { w.key("labels"); w.stringMap(labels) }
        if annotations != previous.annotations { w.key("annotations"); w.stringMap(annotations) }
        if health != previous.health { w.key("health"); w.number(health) }
        if cpuPercent != previous.cpuPercent { w.key("cpu_percent"); w.number(cpuPercent) }
        if memoryBytes != previous.memoryBytes { w.key("memory_bytes"); w.number(memoryBytes) }
        if memoryLimit != previous.memoryLimit { w.key("memory_limit"); w.number(memoryLimit) }
        if networkRxBytes != previous.networkRxBytes { w.key("network_rx_bytes"); w.number(networkRxBytes) }
        if networkTxBytes != previous.networkTxBytes { w.key("network_tx_bytes"); w.number(networkTxBytes) }
        if customMetrics != previous.customMetrics { w.key("custom_metrics"); w.numberMap(customMetrics) }
        if x != previous.x { w.key("x"); w.number(x) }
        if y != previous.y { w.key("y"); w.number(y) }
        if z != previous.z { w.key("z"); w.number(z) }
        if createdAt != previous.createdAt { w.key("created_at"); w.timestamp(createdAt) }
        if updatedAt != previous.updatedAt { w.key("updated_at"); w.timestamp(updatedAt) }
        if stale != previous.stale { w.key("stale"); w.bool(stale) }
        w.endObject()
    }
}

extension TopologyUpdate {
    /// The `patch` form of an entity `update`: `kind` stays `update`, `op`
    /// says only `set`'s fields changed, `id` names the entity.
    package static func patchJSON(
        revision: UInt64, timestamp: Timestamp, previous: Entity, entity: Entity
    ) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 160)
        w.beginObject()
        w.key("kind"); w.string(UpdateKind.update.rawValue)
        w.key("op"); w.string("patch")
        w.key("revision"); w.number(revision)
        w.key("timestamp"); w.timestamp(timestamp)
        w.key("id"); w.string(entity.id)
        w.key("set"); entity.writeChanges(from: previous, to: &w)
        w.endObject()
        return w.bytes
    }
}
