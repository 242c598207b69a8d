import Foundation
import Hummingbird
import NIOCore

/// Answers the apiserver's URL space for the resources the fake serves:
/// list, watch, discovery enough for clients to probe, and metrics.k8s.io.
struct FakeKubeResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let cluster: FakeCluster

    func respond(to request: Request, context: Context) async throws -> Response {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        let query = request.uri.queryParameters
        let accept = request.headers[.accept] ?? ""
        if parts == ["version"] {
            return json(
                200, Data(#"{"major":"1","minor":"31","gitVersion":"v1.31.0-fake","platform":"linux/amd64"}"#.utf8))
        }
        if parts.count >= 3, parts[0] == "apis", parts[1] == "metrics.k8s.io" {
            return metrics(parts: Array(parts.dropFirst(3)), request: request)
        }
        guard request.method == .get, let target = Self.resolve(parts) else {
            return json(
                404,
                FakeJSON.status(
                    code: 404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
        // client-go asks `as=PartialObjectMetadataList` for lists and `as=PartialObjectMetadata` for watches; both match.
        let metadataOnly = accept.contains("as=PartialObjectMetadata")
        let isWatch = ["1", "true"].contains(query["watch"].map(String.init) ?? "")
        let resourceRequest = ResourceRequest(
            resource: target.resource, namespace: target.namespace, metadataOnly: metadataOnly,
            resourceVersion: query["resourceVersion"].map(String.init),
            resourceVersionMatch: query["resourceVersionMatch"].map(String.init),
            limit: query["limit"].flatMap { Int($0) }, continueToken: query["continue"].map(String.init),
            allowBookmarks: query["allowWatchBookmarks"] == "true",
            sendInitialEvents: query["sendInitialEvents"] == "true"
        )
        var record = FakeRequestRecord(
            path: request.uri.path, query: request.uri.query ?? "", accept: accept, status: 200, isWatch: isWatch)
        guard isWatch else {
            let (status, body) = cluster.list(resourceRequest)
            record.status = status
            cluster.log(record)
            return json(status, body)
        }
        switch cluster.openWatch(resourceRequest) {
        case .refused(let status, let body):
            record.status = status
            cluster.log(record)
            return json(status, body)
        case .stream(let id, let frames):
            cluster.log(record)
            let timeout = query["timeoutSeconds"].flatMap { Int($0) }
            return watchResponse(request: request, id: id, frames: frames, timeout: timeout)
        }
    }

    /// A chunked stream of watch event lines until the watch ends, times out, or the client leaves.
    private func watchResponse(
        request: Request, id: UInt64?, frames: AsyncStream<WatchFrame>, timeout: Int?
    ) -> Response {
        let cluster = cluster
        let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-cache, private"]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let timer = Task {
                    guard let id, let timeout, timeout > 0 else { return }
                    try await Task.sleep(for: .seconds(timeout))
                    cluster.watchTimedOut(id)
                }
                defer { timer.cancel() }
                try await request.body.consumeWithInboundCloseHandler { _ in
                    for await frame in frames {
                        switch frame {
                        case .bytes(let data): try await writer.write(ByteBuffer(bytes: data))
                        case .end: return
                        case .abort: throw FakeConnectionDropped()
                        }
                    }
                } onInboundClosed: {
                    if let id { cluster.closeWatch(id) }
                }
                if let id { cluster.closeWatch(id) }
                try await writer.finish(nil)
            })
    }

    private func metrics(parts: [String], request: Request) -> Response {
        let (enabled, pods) = cluster.metricsSettings()
        guard enabled else {
            return json(
                404,
                FakeJSON.status(
                    code: 404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
        let namespace: String? = parts.count == 3 && parts[0] == "namespaces" ? parts[1] : nil
        if parts.isEmpty {
            return json(
                200,
                FakeJSON.encode(
                    [
                        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "metrics.k8s.io/v1beta1",
                        "resources": [
                            ["name": "pods", "namespaced": true, "kind": "PodMetrics", "verbs": ["get", "list"]]
                        ],
                    ] as [String: Any]))
        }
        guard parts.last == "pods" else {
            return json(404, FakeJSON.status(code: 404, reason: "NotFound", message: "not found"))
        }
        let items: [[String: Any]] = pods.filter { namespace == nil || $0.namespace == namespace }.map { pod in
            [
                "metadata": ["name": pod.name, "namespace": pod.namespace],
                "timestamp": FakeClusterState.now(), "window": "30s",
                "containers": pod.containers.map { ["name": $0.name, "usage": ["cpu": $0.cpu, "memory": $0.memory]] },
            ]
        }
        let body: [String: Any] = [
            "kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": [String: Any](),
            "items": items,
        ]
        return json(200, FakeJSON.encode(body))
    }

    private func json(_ status: Int, _ body: Data) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// The resource and namespace a path names, for collection paths only.
    static func resolve(_ parts: [String]) -> (resource: FakeResource, namespace: String?)? {
        var groupVersion: (group: String, version: String)
        var rest: ArraySlice<String>
        if parts.count >= 3, parts[0] == "api" {
            groupVersion = ("", parts[1])
            rest = parts[2...]
        } else if parts.count >= 4, parts[0] == "apis" {
            groupVersion = (parts[1], parts[2])
            rest = parts[3...]
        } else {
            return nil
        }
        var namespace: String?
        if rest.count == 3, rest.first == "namespaces" {
            namespace = rest[rest.startIndex + 1]
            rest = rest.suffix(1)
        }
        guard rest.count == 1, let plural = rest.first else { return nil }
        let resource = FakeResource.all.first {
            $0.group == groupVersion.group && $0.version == groupVersion.version && $0.plural == plural
        }
        guard let resource, namespace == nil || resource.namespaced else { return nil }
        return (resource, namespace)
    }
}

/// Thrown inside a watch body to break the connection, as a dropped network does.
struct FakeConnectionDropped: Error {}
