import Foundation
import Synchronization

/// What the server asks of the cluster for one list or watch request.
struct ResourceRequest: Sendable {
    var resource: FakeResource
    var namespace: String?
    var metadataOnly: Bool
    var resourceVersion: String?
    var resourceVersionMatch: String?
    var limit: Int?
    var continueToken: String?
    var allowBookmarks: Bool
    var sendInitialEvents: Bool
}

/// A watch the server streams, or the refusal it answers instead.
enum WatchOpening: Sendable {
    case refused(status: Int, body: Data)
    case stream(id: UInt64?, frames: AsyncStream<WatchFrame>)
}

extension FakeCluster {
    /// One page of a list, or a Status failure. Pages after the first are cut
    /// from a snapshot taken at the first page, so paging sees one consistent
    /// resourceVersion, as etcd's MVCC read does.
    func list(_ request: ResourceRequest) -> (status: Int, body: Data) {
        state.withLock { s in
            if s.isForbidden(request.resource, namespace: request.namespace) { return Self.forbidden(request) }
            var snapshot: FakeClusterState.ListSnapshot
            var offset = 0
            var snapshotID: UInt64
            if let token = request.continueToken, !token.isEmpty {
                guard let parsed = ContinueToken(encoded: token), let found = s.listSnapshots[parsed.snapshot] else {
                    return (400, FakeJSON.status(code: 400, reason: "BadRequest", message: "invalid continue token"))
                }
                guard found.resourceVersion >= s.compactedRevision else {
                    s.listSnapshots.removeValue(forKey: parsed.snapshot)
                    return (
                        410,
                        FakeJSON.status(
                            code: 410, reason: "Expired",
                            message: "The provided continue parameter is too old to display a consistent list result."
                        )
                    )
                }
                (snapshot, offset, snapshotID) = (found, parsed.offset, parsed.snapshot)
            } else {
                if request.resourceVersionMatch == "Exact", let rv = request.resourceVersion.flatMap(UInt64.init),
                    rv < s.compactedRevision
                {
                    return (
                        410, FakeJSON.status(code: 410, reason: "Expired", message: "too old resource version: \(rv)")
                    )
                }
                snapshot = .init(
                    resourceVersion: s.resourceVersion, items: s.items(request.resource, namespace: request.namespace))
                snapshotID = s.nextSnapshotID
                s.nextSnapshotID += 1
            }
            let end = request.limit.map { min(snapshot.items.count, offset + max(1, $0)) } ?? snapshot.items.count
            let page = snapshot.items[offset..<end]
            var continueValue = ""
            if end < snapshot.items.count {
                continueValue = ContinueToken(snapshot: snapshotID, offset: end).encoded
                s.listSnapshots[snapshotID] = snapshot
                // Abandoned pagings must not pile up.
                if s.listSnapshots.count > 64, let oldest = s.listSnapshots.keys.min() {
                    s.listSnapshots.removeValue(forKey: oldest)
                }
            } else {
                s.listSnapshots.removeValue(forKey: snapshotID)
            }
            let body = Self.listBody(
                request: request, resourceVersion: snapshot.resourceVersion, continueValue: continueValue,
                remaining: snapshot.items.count - end,
                items: page.map { $0.encoded(metadataOnly: request.metadataOnly) }
            )
            return (200, body)
        }
    }

    /// Registers a watch, with its initial events already queued, under the
    /// same lock that writes take, so nothing can slip between them.
    func openWatch(_ request: ResourceRequest) -> WatchOpening {
        let settings = settings.withLock { $0 }
        return state.withLock { s in
            if s.isForbidden(request.resource, namespace: request.namespace) {
                let refusal = Self.forbidden(request)
                return .refused(status: refusal.status, body: refusal.body)
            }
            let (stream, continuation) = AsyncStream<WatchFrame>.makeStream()
            let registration = WatchRegistration(
                resource: request.resource, namespace: request.namespace, metadataOnly: request.metadataOnly,
                bookmarks: request.allowBookmarks, continuation: continuation
            )
            let rv = request.resourceVersion ?? ""
            if request.sendInitialEvents, settings.ignoresSendInitialEvents {
                // A proxy or kube-like server that drops the parameter: it
                // watches from "now" with synthetic ADDED events, sends no
                // initial-events-end bookmark, and ends the watch.
                for item in s.items(request.resource, namespace: request.namespace) {
                    continuation.yield(
                        .bytes(
                            FakeJSON.watchLine(type: "ADDED", object: item.encoded(metadataOnly: request.metadataOnly)))
                    )
                }
                continuation.yield(.end)
                continuation.finish()
                return .stream(id: nil, frames: stream)
            } else if request.sendInitialEvents {
                guard settings.watchListEnabled else {
                    let message =
                        "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"
                    return .refused(status: 422, body: FakeJSON.status(code: 422, reason: "Invalid", message: message))
                }
                for item in s.items(request.resource, namespace: request.namespace) {
                    continuation.yield(
                        .bytes(
                            FakeJSON.watchLine(type: "ADDED", object: item.encoded(metadataOnly: request.metadataOnly)))
                    )
                }
                continuation.yield(
                    .bytes(s.bookmarkLine(for: request.resource, annotations: ["k8s.io/initial-events-end": "true"])))
            } else if rv.isEmpty || rv == "0" {
                // "Get state and start at most recent": synthetic ADDED for what exists.
                for item in s.items(request.resource, namespace: request.namespace) {
                    continuation.yield(
                        .bytes(
                            FakeJSON.watchLine(type: "ADDED", object: item.encoded(metadataOnly: request.metadataOnly)))
                    )
                }
            } else {
                guard let revision = UInt64(rv) else {
                    return .refused(
                        status: 400,
                        body: FakeJSON.status(code: 400, reason: "BadRequest", message: "invalid resourceVersion \(rv)")
                    )
                }
                guard let backlog = s.events(after: revision, for: registration) else {
                    let message = "too old resource version: \(revision) (\(s.compactedRevision))"
                    let status = FakeJSON.status(code: 410, reason: "Expired", message: message)
                    if settings.goneStyle == .httpStatus { return .refused(status: 410, body: status) }
                    continuation.yield(.bytes(FakeJSON.watchLine(type: "ERROR", object: status)))
                    continuation.finish()
                    return .stream(id: nil, frames: stream)
                }
                for line in backlog { continuation.yield(.bytes(line)) }
            }
            let id = s.nextWatchID
            s.nextWatchID += 1
            s.watches[id] = registration
            return .stream(id: id, frames: stream)
        }
    }

    /// Ends a watch because its timeout passed; a stalled watch hangs on instead.
    func watchTimedOut(_ id: UInt64) {
        state.withLock { s in
            guard let watch = s.watches[id], !watch.stalled else { return }
            watch.continuation.yield(.end)
            watch.continuation.finish()
            s.watches.removeValue(forKey: id)
        }
    }

    /// Forgets a watch whose client went away.
    func closeWatch(_ id: UInt64) {
        state.withLock { s in s.watches.removeValue(forKey: id)?.continuation.finish() }
    }

    func log(_ record: FakeRequestRecord) {
        state.withLock { s in
            s.requests.append(record)
            if s.requests.count > 20_000 { s.requests.removeFirst(10_000) }
        }
    }

    func metricsSettings() -> (enabled: Bool, pods: [PodMetricsEntry]) {
        settings.withLock { ($0.metricsEnabled, Array($0.podMetrics.values)) }
    }

    private static func forbidden(_ request: ResourceRequest) -> (status: Int, body: Data) {
        let scope = request.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let group = request.resource.group.isEmpty ? "\"\"" : "\"\(request.resource.group)\""
        let message =
            "\(request.resource.plural) is forbidden: User \"system:serviceaccount:test:gestalt\" cannot list resource "
            + "\"\(request.resource.plural)\" in API group \(group) \(scope)"
        return (403, FakeJSON.status(code: 403, reason: "Forbidden", message: message))
    }

    private static func listBody(
        request: ResourceRequest, resourceVersion: UInt64, continueValue: String, remaining: Int, items: [Data]
    ) -> Data {
        let kind = request.metadataOnly ? "PartialObjectMetadataList" : "\(request.resource.kind)List"
        let apiVersion = request.metadataOnly ? "meta.k8s.io/v1" : request.resource.apiVersion
        var metadata = "{\"resourceVersion\":\"\(resourceVersion)\""
        if !continueValue.isEmpty {
            metadata += ",\"continue\":\"\(continueValue)\",\"remainingItemCount\":\(remaining)"
        }
        metadata += "}"
        var body = Data(
            "{\"kind\":\"\(kind)\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":\(metadata),\"items\":[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(item)
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }
}

/// The opaque `continue` value: which snapshot, and where the next page starts.
struct ContinueToken {
    var snapshot: UInt64
    var offset: Int

    init(snapshot: UInt64, offset: Int) {
        self.snapshot = snapshot
        self.offset = offset
    }

    init?(encoded: String) {
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let snapshot = UInt64(parts[0]), let offset = Int(parts[1]) else { return nil }
        self.init(snapshot: snapshot, offset: offset)
    }

    var encoded: String { Data("\(snapshot):\(offset)".utf8).base64EncodedString() }
}
