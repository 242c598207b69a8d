import Foundation

/// One object as the fake keeps it: encoded in full and as metadata only,
/// so that answering either form never re-encodes.
struct StoredObject: Sendable {
    var namespace: String?
    var name: String
    var resourceVersion: UInt64
    var full: Data
    var metadataOnly: Data

    /// `namespace/name`, or `name` for cluster-scoped objects: etcd's key order.
    var key: String { namespace.map { "\($0)/\(name)" } ?? name }

    func encoded(metadataOnly wantsMetadata: Bool) -> Data { wantsMetadata ? metadataOnly : full }
}

/// One entry of the watch history that the compaction window bounds.
struct HistoryEntry: Sendable {
    var resourceVersion: UInt64
    var resource: FakeResource
    var type: String
    var object: StoredObject
}
