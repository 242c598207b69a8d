import GestaltModel
import Synchronization

/// The one cache every reflector feeds (client-go's Store). It keeps objects
/// by namespace, so the mapping can rebuild just the namespaces that changed,
/// and it queues the events that are new. Only real differences mark
/// anything dirty: replacing with an equal object is a no-op.
final class ObjectCache: Sendable {
    /// The objects of one namespace ("" holds cluster-scoped ones).
    struct Partition: Sendable {
        var objects: [ResourceKind: [String: KubeObject]] = [:]

        func of(_ resource: ResourceKind) -> [String: KubeObject] { objects[resource] ?? [:] }
    }

    private struct State {
        var partitions: [String: Partition] = [:]
        /// Events are kept apart: they become InfraEvents, not entities.
        var events: [String: KubeObject] = [:]
        var podUsage: [String: PodUsage] = [:]
        var dirty: Set<String> = []
        var newEvents: [KubeObject] = []
    }

    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    /// Yields after changes; coalesces, so one wakeup may stand for many.
    let wakeups: AsyncStream<Void>

    init() {
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    static func partition(of metadata: ObjectMeta) -> String { metadata.namespace ?? "" }

    // MARK: Writes from reflectors

    func upsert(_ object: KubeObject) {
        let changed = state.withLock { s in Self.put(object, into: &s) }
        if changed { wake.yield() }
    }

    func delete(_ object: KubeObject) {
        let changed = state.withLock { s in
            Self.remove(object.resource, key: object.metadata.key, namespace: object.metadata.namespace, from: &s)
        }
        if changed { wake.yield() }
    }

    /// Replaces what one reflector covers with a fresh list, applying only the
    /// differences. Returns how many objects really changed.
    ///
    /// With `listedAt` (a rescan's list, taken while the watch runs), an
    /// object the watch brought in newer than the list is kept as it is: the
    /// list is older news about it, and the watch will not send it again.
    @discardableResult
    func replace(
        _ resource: ResourceKind, namespace: String?, with items: [KubeObject], eventLimit: Int? = nil,
        listedAt: String? = nil
    ) -> Int {
        let listed = listedAt.flatMap(UInt64.init)
        func newer(_ cached: KubeObject?, than version: UInt64?) -> Bool {
            // resourceVersions are opaque; every real server and the fake use integers, and anything else is not compared.
            guard let version, let cached = cached.flatMap({ UInt64($0.metadata.resourceVersion) }) else {
                return false
            }
            return cached > version
        }
        let changed = state.withLock { s -> Int in
            var fresh: [String: KubeObject] = [:]
            for item in items { fresh[item.metadata.key] = item }
            var changes = 0
            let cached = Self.objects(resource, namespace: namespace, in: s)
            for (key, old) in cached where fresh[key] == nil && !newer(old, than: listed) {
                if Self.remove(resource, key: key, namespace: old.metadata.namespace, from: &s) { changes += 1 }
            }
            let queuedBefore = s.newEvents.count
            for item in items
            where !(listed != nil && newer(cached[item.metadata.key], than: UInt64(item.metadata.resourceVersion))) {
                if Self.put(item, into: &s) { changes += 1 }
            }
            if let eventLimit, s.newEvents.count - queuedBefore > eventLimit {
                // An initial list may hold an hour of events; only the newest become InfraEvents.
                var added = Array(s.newEvents[queuedBefore...])
                added.sort { Self.lastSeen($0) < Self.lastSeen($1) }
                s.newEvents.replaceSubrange(queuedBefore..., with: added.suffix(eventLimit))
            }
            return changes
        }
        if changed > 0 { wake.yield() }
        return changed
    }

    /// Sets the latest usage of every pod that metrics.k8s.io reports.
    func setPodUsage(_ usage: [String: PodUsage]) {
        let changed = state.withLock { s -> Bool in
            var dirty: Set<String> = []
            for (key, value) in usage where s.podUsage[key] != value { dirty.insert(Self.namespace(ofKey: key)) }
            for key in s.podUsage.keys where usage[key] == nil { dirty.insert(Self.namespace(ofKey: key)) }
            s.podUsage = usage
            s.dirty.formUnion(dirty)
            return !dirty.isEmpty
        }
        if changed { wake.yield() }
    }

    /// Marks every partition dirty, so the next projection rebuilds all of them.
    func markAllDirty() {
        state.withLock { s in s.dirty.formUnion(s.partitions.keys) }
        wake.yield()
    }

    // MARK: Reads for the mapping

    /// The partitions changed since the last drain, and the events to record.
    func drain() -> (dirty: Set<String>, events: [KubeObject]) {
        state.withLock { s in
            defer { s.dirty = []; s.newEvents = [] }
            return (s.dirty, s.newEvents)
        }
    }

    func partition(_ name: String) -> Partition? { state.withLock { $0.partitions[name] } }

    /// Every partition, for a rescan's full projection.
    func allPartitions() -> [String: Partition] { state.withLock { $0.partitions } }

    func podUsage(namespace: String, name: String) -> PodUsage? {
        state.withLock { $0.podUsage["\(namespace)/\(name)"] }
    }

    /// Every cached object of a resource, for tests and diagnostics.
    func objects(_ resource: ResourceKind) -> [KubeObject] {
        state.withLock { s in Array(Self.objects(resource, namespace: nil, in: s).values) }
    }

    // MARK: Internals (under the lock)

    private static func objects(_ resource: ResourceKind, namespace: String?, in s: State) -> [String: KubeObject] {
        if resource == .events {
            return namespace.map { ns in s.events.filter { $0.value.metadata.namespace == ns } } ?? s.events
        }
        if let namespace, resource.namespaced {
            return (s.partitions[namespace]?.of(resource) ?? [:]).reduce(into: [:]) {
                $0["\(namespace)/\($1.key)"] = $1.value
            }
        }
        var all: [String: KubeObject] = [:]
        for partition in s.partitions.values {
            for object in partition.of(resource).values { all[object.metadata.key] = object }
        }
        return all
    }

    private static func put(_ object: KubeObject, into s: inout State) -> Bool {
        if object.resource == .events {
            let old = s.events[object.metadata.key]
            guard old != object else { return false }
            s.events[object.metadata.key] = object
            // A repeat of an event bumps its count; that is a new occurrence worth showing.
            if old.map({ eventOccurrence($0) != eventOccurrence(object) }) ?? true { s.newEvents.append(object) }
            return true
        }
        let partition = partition(of: object.metadata)
        guard s.partitions[partition]?.objects[object.resource]?[object.metadata.name] != object else { return false }
        s.partitions[partition, default: Partition()].objects[object.resource, default: [:]][object.metadata.name] =
            object
        s.dirty.insert(partition)
        return true
    }

    private static func remove(_ resource: ResourceKind, key: String, namespace: String?, from s: inout State) -> Bool {
        if resource == .events { return s.events.removeValue(forKey: key) != nil }
        let partition = namespace ?? ""
        let name = key.split(separator: "/").last.map(String.init) ?? key
        guard s.partitions[partition]?.objects[resource]?.removeValue(forKey: name) != nil else { return false }
        s.dirty.insert(partition)
        return true
    }

    private static func eventOccurrence(_ object: KubeObject) -> [String] {
        guard case .event(let info) = object.payload else { return [] }
        return [String(info.count), info.lastSeen?.description ?? "", info.message]
    }

    private static func lastSeen(_ object: KubeObject) -> Int64 {
        guard case .event(let info) = object.payload else { return 0 }
        return info.lastSeen?.millisecondsSince1970 ?? object.metadata.creationTimestamp?.millisecondsSince1970 ?? 0
    }

    private static func namespace(ofKey key: String) -> String {
        key.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
    }
}

/// One pod's usage from metrics.k8s.io.
struct PodUsage: Sendable, Hashable {
    var cpuMillicores: Double
    var memoryBytes: Int64
}
