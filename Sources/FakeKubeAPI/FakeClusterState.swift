import Foundation

/// The fake's etcd: objects, a global resourceVersion, a bounded watch history
/// and the open watches. Only ever touched under `FakeCluster`'s lock, so a
/// watch registered here can never miss an event written in between.
struct FakeClusterState {
    var resourceVersion: UInt64 = 1000
    var objects: [FakeResource: [String: StoredObject]] = [:]
    var history: [HistoryEntry] = []
    /// Watching from a resourceVersion below this one answers 410 Gone.
    var compactedRevision: UInt64 = 1000
    var historyLimit = 100_000
    var watches: [UInt64: WatchRegistration] = [:]
    var nextWatchID: UInt64 = 1
    var listSnapshots: [UInt64: ListSnapshot] = [:]
    var nextSnapshotID: UInt64 = 1
    var forbidden: [FakeResource: Set<ForbiddenScope>] = [:]
    var requests: [FakeRequestRecord] = []

    struct ListSnapshot {
        var resourceVersion: UInt64
        var items: [StoredObject]
    }

    // MARK: Writing

    /// Stores a new state of an object, stamping resourceVersion, uid and
    /// creationTimestamp like the apiserver, and fans the event out.
    mutating func write(_ resource: FakeResource, object: [String: Any], type: String) throws(FakeAPIError) -> UInt64 {
        var object = object
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        guard let name = metadata["name"] as? String, !name.isEmpty else { throw .invalid("metadata.name is required") }
        let namespace = metadata["namespace"] as? String
        if resource.namespaced, namespace?.isEmpty ?? true {
            throw .invalid("\(resource) \(name) needs metadata.namespace")
        }
        if !resource.namespaced { metadata.removeValue(forKey: "namespace") }
        let key = StoredObject.key(namespace: resource.namespaced ? namespace : nil, name: name)
        let existing = objects[resource]?[key]
        switch type {
        case "ADDED" where existing != nil: throw .conflict("\(resource) \(key) already exists")
        case "MODIFIED" where existing == nil: throw .notFound("\(resource) \(key) not found")
        default: break
        }
        resourceVersion += 1
        metadata["resourceVersion"] = String(resourceVersion)
        if let existing {
            let old = FakeJSON.object(existing.full)["metadata"] as? [String: Any] ?? [:]
            metadata["uid"] = old["uid"] ?? UUID().uuidString.lowercased()
            metadata["creationTimestamp"] = old["creationTimestamp"] ?? Self.now()
        } else {
            metadata["uid"] = metadata["uid"] ?? UUID().uuidString.lowercased()
            metadata["creationTimestamp"] = metadata["creationTimestamp"] ?? Self.now()
        }
        object["metadata"] = metadata
        object["kind"] = resource.kind
        object["apiVersion"] = resource.apiVersion
        let stored = StoredObject(
            namespace: resource.namespaced ? namespace : nil, name: name, resourceVersion: resourceVersion,
            full: FakeJSON.encode(object), metadataOnly: FakeJSON.partialObjectMetadata(of: object)
        )
        objects[resource, default: [:]][key] = stored
        record(
            HistoryEntry(
                resourceVersion: resourceVersion, resource: resource, type: existing == nil ? "ADDED" : "MODIFIED",
                object: stored))
        return resourceVersion
    }

    /// Deletes an object; the DELETED event carries its last state at a new resourceVersion.
    mutating func delete(_ resource: FakeResource, namespace: String?, name: String) throws(FakeAPIError) -> UInt64 {
        let key = StoredObject.key(namespace: resource.namespaced ? namespace : nil, name: name)
        guard var stored = objects[resource]?.removeValue(forKey: key) else {
            throw .notFound("\(resource) \(key) not found")
        }
        resourceVersion += 1
        var object = FakeJSON.object(stored.full)
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        metadata["resourceVersion"] = String(resourceVersion)
        object["metadata"] = metadata
        stored.resourceVersion = resourceVersion
        stored.full = FakeJSON.encode(object)
        stored.metadataOnly = FakeJSON.partialObjectMetadata(of: object)
        record(HistoryEntry(resourceVersion: resourceVersion, resource: resource, type: "DELETED", object: stored))
        return resourceVersion
    }

    private mutating func record(_ entry: HistoryEntry) {
        history.append(entry)
        if history.count > historyLimit {
            // Drop in batches so appending stays amortised O(1).
            let drop = history.count - historyLimit + historyLimit / 10
            compactedRevision = history[drop - 1].resourceVersion
            history.removeFirst(drop)
        }
        for watch in watches.values where !watch.stalled && watch.accepts(entry) {
            watch.continuation.yield(
                .bytes(
                    FakeJSON.watchLine(type: entry.type, object: entry.object.encoded(metadataOnly: watch.metadataOnly))
                ))
        }
    }

    /// Forgets all history: every resourceVersion before now becomes too old.
    mutating func compact() {
        history.removeAll()
        compactedRevision = resourceVersion
    }

    // MARK: Reading

    func isForbidden(_ resource: FakeResource, namespace: String?) -> Bool {
        guard let scopes = forbidden[resource] else { return false }
        if scopes.contains(.everywhere) { return true }
        if let namespace { return scopes.contains(.namespace(namespace)) }
        return scopes.contains(.clusterWide) || scopes.contains { if case .namespace = $0 { true } else { false } }
    }

    /// The objects a list or an initial watch shows, in key order like etcd.
    func items(_ resource: FakeResource, namespace: String?) -> [StoredObject] {
        let all = objects[resource]?.values ?? [:].values
        return all.filter { namespace == nil || $0.namespace == namespace }.sorted { $0.key < $1.key }
    }

    /// Events after `revision` for a new watch, or nil when they were compacted away.
    func events(after revision: UInt64, for watch: WatchRegistration) -> [Data]? {
        guard revision >= compactedRevision else { return nil }
        // History is in resourceVersion order; find the first entry after `revision`.
        var low = 0, high = history.count
        while low < high {
            let mid = (low + high) / 2
            if history[mid].resourceVersion <= revision { low = mid + 1 } else { high = mid }
        }
        return history[low...].filter(watch.accepts).map {
            FakeJSON.watchLine(type: $0.type, object: $0.object.encoded(metadataOnly: watch.metadataOnly))
        }
    }

    func bookmarkLine(for resource: FakeResource, annotations: [String: String] = [:]) -> Data {
        var metadata: [String: Any] = ["resourceVersion": String(resourceVersion)]
        if !annotations.isEmpty { metadata["annotations"] = annotations }
        let object: [String: Any] = ["kind": resource.kind, "apiVersion": resource.apiVersion, "metadata": metadata]
        return FakeJSON.watchLine(type: "BOOKMARK", object: FakeJSON.encode(object))
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

extension StoredObject {
    static func key(namespace: String?, name: String) -> String {
        namespace.map { "\($0)/\(name)" } ?? name
    }
}
