import GestaltModel

/// What we keep of a core/v1 Event.
struct EventInfo: Sendable, Hashable {
    var type: String
    var reason: String
    var message: String
    var objectKind: String
    var objectName: String
    var objectNamespace: String?
    var count: Int
    var lastSeen: Timestamp?
}

struct WireEvent: Decodable {
    struct Involved: Decodable { var kind: String?; var name: String?; var namespace: String? }

    var metadata: ObjectMeta
    var involvedObject: Involved?
    var type: String?
    var reason: String?
    var message: String?
    var count: Int?
    var lastTimestamp: String?
    var eventTime: String?
    var firstTimestamp: String?

    var info: EventInfo {
        let seen = [lastTimestamp, eventTime, firstTimestamp].compactMap { $0 }.first.flatMap { Timestamp(rfc3339: $0) }
        return EventInfo(
            type: type ?? "Normal", reason: reason ?? "", message: message ?? "",
            objectKind: involvedObject?.kind ?? "", objectName: involvedObject?.name ?? "",
            objectNamespace: involvedObject?.namespace, count: count ?? 1, lastSeen: seen ?? metadata.creationTimestamp
        )
    }
}
