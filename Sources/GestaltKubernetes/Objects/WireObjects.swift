/// Wire forms of the kinds whose payload is a field or two.
struct WireService: Decodable {
    struct Spec: Decodable { var selector: [String: String]? }
    var metadata: ObjectMeta
    var spec: Spec?
}

struct WireIngress: Decodable {
    struct ServiceRef: Decodable { var name: String? }
    struct Backend: Decodable { var service: ServiceRef? }
    struct Path: Decodable { var backend: Backend? }
    struct HTTP: Decodable { var paths: [Path]? }
    struct Rule: Decodable { var http: HTTP? }
    struct Spec: Decodable { var defaultBackend: Backend?; var rules: [Rule]? }
    var metadata: ObjectMeta
    var spec: Spec?

    var backendServices: [String] {
        let paths = (spec?.rules ?? []).flatMap { $0.http?.paths ?? [] }.compactMap { $0.backend?.service?.name }
        let all = paths + [spec?.defaultBackend?.service?.name].compactMap { $0 }
        return Array(Set(all)).sorted()
    }
}

/// A persistent volume claim or a namespace: both keep only `status.phase`.
struct WirePhased: Decodable {
    struct Status: Decodable { var phase: String? }
    var metadata: ObjectMeta
    var status: Status?
}

/// PartialObjectMetadata: there is nothing but metadata to decode.
struct WireMetadataOnly: Decodable {
    var metadata: ObjectMeta
}
