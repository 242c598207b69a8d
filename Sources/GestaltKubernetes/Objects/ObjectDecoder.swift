import Foundation

/// Turns list bodies and watch event lines into cached objects. The wire
/// structs name only the fields we use, so everything else is skipped unread.
struct ObjectDecoder: Sendable {
    let resource: ResourceKind

    struct ListPage {
        var items: [KubeObject]
        var resourceVersion: String
        var continueToken: String?
    }

    /// A watch event line, decoded as far as its type needs.
    enum WatchEvent {
        case added(KubeObject), modified(KubeObject), deleted(KubeObject)
        case bookmark(resourceVersion: String, initialEventsEnd: Bool)
        case error(code: Int, reason: String, message: String)
    }

    private struct ListMeta: Decodable { var resourceVersion: String?; var `continue`: String? }
    private struct List<Item: Decodable>: Decodable { var metadata: ListMeta?; var items: [Item]? }
    private struct EventHead: Decodable {
        struct Object: Decodable {
            struct Meta: Decodable { var resourceVersion: String?; var annotations: [String: String]? }
            var metadata: Meta?
            var code: Int?
            var reason: String?
            var message: String?
        }
        var type: String
        var object: Object?
    }
    private struct EventBody<Item: Decodable>: Decodable { var object: Item }

    func decodeList(_ data: Data) throws -> ListPage {
        func page<W: WireObject>(_: W.Type) throws -> ListPage {
            let list = try JSONDecoder().decode(List<W>.self, from: data)
            return ListPage(
                items: (list.items ?? []).map { $0.object(for: resource) },
                resourceVersion: list.metadata?.resourceVersion ?? "",
                continueToken: list.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
            )
        }
        return try page(Self.wireType(resource))
    }

    func decodeEvent(_ line: Data) throws -> WatchEvent {
        let decoder = JSONDecoder()
        let head = try decoder.decode(EventHead.self, from: line)
        switch head.type {
        case "BOOKMARK":
            let meta = head.object?.metadata
            return .bookmark(
                resourceVersion: meta?.resourceVersion ?? "",
                initialEventsEnd: meta?.annotations?["k8s.io/initial-events-end"] == "true"
            )
        case "ERROR":
            return .error(
                code: head.object?.code ?? 0, reason: head.object?.reason ?? "", message: head.object?.message ?? "")
        case "ADDED", "MODIFIED", "DELETED":
            func one<W: WireObject>(_: W.Type) throws -> KubeObject {
                try decoder.decode(EventBody<W>.self, from: line).object.object(for: resource)
            }
            let object = try one(Self.wireType(resource))
            switch head.type {
            case "ADDED": return .added(object)
            case "MODIFIED": return .modified(object)
            default: return .deleted(object)
            }
        default:
            throw KubernetesError.malformed("unknown watch event type \(head.type)")
        }
    }

    private static func wireType(_ resource: ResourceKind) -> any WireObject.Type {
        switch resource {
        case .pods: WirePod.self
        case .services: WireService.self
        case .deployments, .replicasets, .statefulsets, .daemonsets, .jobs, .cronjobs: WireWorkload.self
        case .ingresses: WireIngress.self
        case .nodes: WireNode.self
        case .events: WireEvent.self
        case .namespaces, .persistentvolumeclaims: WirePhased.self
        case .configmaps, .secrets: WireMetadataOnly.self
        }
    }
}

/// A wire struct that becomes a cached object.
protocol WireObject: Decodable {
    var metadata: ObjectMeta { get }
    func payload(for resource: ResourceKind) -> KubeObject.Payload
}

extension WireObject {
    func object(for resource: ResourceKind) -> KubeObject {
        KubeObject(resource: resource, metadata: metadata, payload: payload(for: resource))
    }
}

extension WirePod: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .pod(info) }
}

extension WireService: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .service(selector: spec?.selector) }
}

extension WireWorkload: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .workload(info(for: resource)) }
}

extension WireIngress: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .ingress(backendServices: backendServices) }
}

extension WireNode: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .node(info) }
}

extension WireEvent: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .event(info) }
}

extension WirePhased: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload {
        resource == .namespaces
            ? .namespace(phase: status?.phase ?? "Active") : .claim(phase: status?.phase ?? "Pending")
    }
}

extension WireMetadataOnly: WireObject {
    func payload(for resource: ResourceKind) -> KubeObject.Payload { .none }
}
