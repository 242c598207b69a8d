import Foundation
import Synchronization

/// The state behind a fake API server, and the Swift API tests use to change
/// it: writes bump one global resourceVersion, as etcd does, and every open
/// watch sees them in order.
package final class FakeCluster: Sendable {
    let state = Mutex(FakeClusterState())
    let settings = Mutex(FakeSettings())

    package init() {}

    // MARK: Objects

    /// Creates an object (a JSON dictionary); returns its resourceVersion.
    @discardableResult
    package func create(_ resource: FakeResource, _ object: [String: Any]) throws(FakeAPIError) -> UInt64 {
        let sendable = FakeJSON.encode(object)
        return try state.withLock { s throws(FakeAPIError) in
            try s.write(resource, object: FakeJSON.object(sendable), type: "ADDED")
        }
    }

    /// Replaces an existing object; returns its new resourceVersion.
    @discardableResult
    package func update(_ resource: FakeResource, _ object: [String: Any]) throws(FakeAPIError) -> UInt64 {
        let sendable = FakeJSON.encode(object)
        return try state.withLock { s throws(FakeAPIError) in
            try s.write(resource, object: FakeJSON.object(sendable), type: "MODIFIED")
        }
    }

    /// Creates or replaces an object.
    @discardableResult
    package func apply(_ resource: FakeResource, _ object: [String: Any]) throws(FakeAPIError) -> UInt64 {
        let sendable = FakeJSON.encode(object)
        return try state.withLock { s throws(FakeAPIError) in
            try s.write(resource, object: FakeJSON.object(sendable), type: "APPLY")
        }
    }

    /// Changes an existing object in place.
    @discardableResult
    package func modify(
        _ resource: FakeResource, namespace: String? = nil, name: String, _ change: (inout [String: Any]) -> Void
    ) throws(FakeAPIError) -> UInt64 {
        guard var object = object(resource, namespace: namespace, name: name) else {
            throw .notFound("\(resource) \(StoredObject.key(namespace: namespace, name: name)) not found")
        }
        change(&object)
        return try update(resource, object)
    }

    @discardableResult
    package func delete(_ resource: FakeResource, namespace: String? = nil, name: String) throws(FakeAPIError) -> UInt64
    {
        try state.withLock { s throws(FakeAPIError) in try s.delete(resource, namespace: namespace, name: name) }
    }

    package func object(_ resource: FakeResource, namespace: String? = nil, name: String) -> [String: Any]? {
        let key = StoredObject.key(namespace: resource.namespaced ? namespace : nil, name: name)
        return state.withLock { $0.objects[resource]?[key]?.full }.map(FakeJSON.object)
    }

    /// Every object of a resource, in key order.
    package func objects(_ resource: FakeResource) -> [[String: Any]] {
        state.withLock { $0.items(resource, namespace: nil).map(\.full) }.map(FakeJSON.object)
    }

    package var resourceVersion: UInt64 { state.withLock { $0.resourceVersion } }

    // MARK: Compaction

    /// Forgets the watch history: a list or watch from any earlier resourceVersion answers 410.
    package func compact() { state.withLock { $0.compact() } }

    /// How many watch events the history keeps before compacting the oldest.
    package func setHistoryLimit(_ limit: Int) { state.withLock { $0.historyLimit = max(1, limit) } }

    // MARK: Access and behaviour

    package func forbid(_ resource: FakeResource, _ scope: ForbiddenScope = .everywhere) {
        state.withLock { _ = $0.forbidden[resource, default: []].insert(scope) }
    }

    package func allow(_ resource: FakeResource) { state.withLock { _ = $0.forbidden.removeValue(forKey: resource) } }

    /// How a watch from a compacted resourceVersion is refused.
    package var goneStyle: GoneStyle {
        get { settings.withLock { $0.goneStyle } }
        set { settings.withLock { $0.goneStyle = newValue } }
    }

    /// Whether `sendInitialEvents=true` (WatchList) is served; when off it is refused with 422, as with the feature gate off.
    package var watchListEnabled: Bool {
        get { settings.withLock { $0.watchListEnabled } }
        set { settings.withLock { $0.watchListEnabled = newValue } }
    }

    /// Whether `sendInitialEvents=true` is ignored, as by a proxy or a
    /// kube-like server: the watch sends what exists, no initial-events-end
    /// bookmark, and ends. Not what a real v1.31 server does; the source
    /// must still sync against it.
    package var ignoresSendInitialEvents: Bool {
        get { settings.withLock { $0.ignoresSendInitialEvents } }
        set { settings.withLock { $0.ignoresSendInitialEvents = newValue } }
    }

    /// Whether metrics.k8s.io is served.
    package var metricsEnabled: Bool {
        get { settings.withLock { $0.metricsEnabled } }
        set { settings.withLock { $0.metricsEnabled = newValue } }
    }

    /// Sets one pod's usage as metrics-server would report it, e.g. cpu "250m", memory "64Mi".
    package func setPodMetrics(
        namespace: String, name: String, containers: [(name: String, cpu: String, memory: String)]
    ) {
        let usage = containers.map { PodMetricsEntry.Container(name: $0.name, cpu: $0.cpu, memory: $0.memory) }
        settings.withLock {
            $0.podMetrics["\(namespace)/\(name)"] = PodMetricsEntry(namespace: namespace, name: name, containers: usage)
        }
    }

    // MARK: Watches and faults

    /// Open watches, optionally of one resource.
    package func openWatchCount(_ resource: FakeResource? = nil) -> Int {
        state.withLock { s in s.watches.values.filter { resource == nil || $0.resource == resource }.count }
    }

    /// Sends a BOOKMARK with the current resourceVersion to every watch that allowed them.
    package func sendBookmarks() {
        state.withLock { s in
            for watch in s.watches.values where watch.bookmarks && !watch.stalled {
                watch.continuation.yield(.bytes(s.bookmarkLine(for: watch.resource)))
            }
        }
    }

    /// Ends watches mid-stream: cleanly (as a timeout would) or by breaking the connection.
    package func dropWatches(_ resource: FakeResource? = nil, abruptly: Bool = true) {
        endWatches(resource) { _ in [abruptly ? .abort : .end] }
    }

    /// Sends a 410 ERROR event on open watches and ends them, as a server whose
    /// watch cache fell behind does.
    package func expireWatches(_ resource: FakeResource? = nil) {
        let status = FakeJSON.status(code: 410, reason: "Expired", message: "too old resource version")
        endWatches(resource) { _ in [.bytes(FakeJSON.watchLine(type: "ERROR", object: status)), .end] }
    }

    /// Freezes open watches: the connection stays open and nothing more is written, not even the timeout's end.
    package func stallWatches(_ resource: FakeResource? = nil) {
        state.withLock { s in
            for (id, watch) in s.watches where resource == nil || watch.resource == resource {
                s.watches[id]?.stalled = true
            }
        }
    }

    /// Writes a line that is not JSON into open watches.
    package func sendMalformedLine(_ resource: FakeResource? = nil) {
        state.withLock { s in
            for watch in s.watches.values where (resource == nil || watch.resource == resource) && !watch.stalled {
                watch.continuation.yield(
                    .bytes(Data("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\n".utf8)))
            }
        }
    }

    /// Every request answered so far, oldest first.
    package var requests: [FakeRequestRecord] { state.withLock { $0.requests } }

    private func endWatches(_ resource: FakeResource?, frames: (WatchRegistration) -> [WatchFrame]) {
        state.withLock { s in
            for (id, watch) in s.watches where resource == nil || watch.resource == resource {
                for frame in frames(watch) { watch.continuation.yield(frame) }
                watch.continuation.finish()
                s.watches.removeValue(forKey: id)
            }
        }
    }
}

/// Behaviour switches, kept apart from the object state.
struct FakeSettings: Sendable {
    var goneStyle: GoneStyle = .errorEvent
    var watchListEnabled = true
    var ignoresSendInitialEvents = false
    var metricsEnabled = false
    var podMetrics: [String: PodMetricsEntry] = [:]
}

/// One pod's usage for metrics.k8s.io.
struct PodMetricsEntry: Sendable {
    struct Container: Sendable {
        var name: String
        var cpu: String
        var memory: String
    }

    var namespace: String
    var name: String
    var containers: [Container]
}
