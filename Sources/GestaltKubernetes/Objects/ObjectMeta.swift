import GestaltModel

/// The metadata we keep of an object. Decoding skips everything else, so
/// `managedFields` never enters memory; the last-applied annotation is dropped.
struct ObjectMeta: Sendable, Hashable, Decodable {
    struct OwnerReference: Sendable, Hashable, Decodable {
        var kind: String
        var name: String
    }

    var name: String
    var namespace: String?
    var resourceVersion: String
    var labels: [String: String]
    var annotations: [String: String]
    var ownerReferences: [OwnerReference]
    var creationTimestamp: Timestamp?
    var deleting: Bool
    var generation: Int64

    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    enum CodingKeys: String, CodingKey {
        case name, namespace, resourceVersion, labels, annotations, ownerReferences, creationTimestamp,
            deletionTimestamp, generation
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
        resourceVersion = try c.decodeIfPresent(String.self, forKey: .resourceVersion) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        var annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        annotations.removeValue(forKey: Self.lastAppliedAnnotation)
        self.annotations = annotations
        ownerReferences = try c.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences) ?? []
        creationTimestamp = try c.decodeIfPresent(String.self, forKey: .creationTimestamp).flatMap {
            Timestamp(rfc3339: $0)
        }
        deleting = try c.decodeIfPresent(String.self, forKey: .deletionTimestamp) != nil
        generation = try c.decodeIfPresent(Int64.self, forKey: .generation) ?? 0
    }

    /// `namespace/name`, or `name` when cluster-scoped: unique within one resource.
    var key: String { namespace.map { "\($0)/\(name)" } ?? name }
}
