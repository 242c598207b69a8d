import Foundation

/// The fake's JSON plumbing: objects are kept encoded, as etcd keeps them, so
/// the shared state holds only `Sendable` bytes.
enum FakeJSON {
    static func encode(_ value: Any) -> Data {
        // Every value the fake encodes came out of JSONSerialization or is built
        // from strings and numbers, so encoding cannot fail.
        (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data("null".utf8)
    }

    static func object(_ data: Data) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    /// One watch event line: `{"type":"ADDED","object":{...}}` and a newline,
    /// built by concatenation so the object is not encoded again.
    static func watchLine(type: String, object: Data) -> Data {
        var line = Data("{\"type\":\"\(type)\",\"object\":".utf8)
        line.append(object)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    /// The metadata-only form an apiserver answers when asked for PartialObjectMetadata.
    static func partialObjectMetadata(of object: [String: Any]) -> Data {
        encode(
            [
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": object["metadata"] ?? [:],
            ] as [String: Any])
    }

    /// A `metav1.Status` failure, as list, get and watch errors carry it.
    static func status(code: Int, reason: String, message: String) -> Data {
        encode(
            [
                "kind": "Status", "apiVersion": "v1", "metadata": [String: Any](),
                "status": "Failure", "message": message, "reason": reason, "code": code,
            ] as [String: Any])
    }
}
