import Foundation

/// What a watch stream writes next.
enum WatchFrame: Sendable {
    /// Bytes to write as they are (a whole event line, or a deliberately broken one).
    case bytes(Data)
    /// End the response cleanly, as a server-side timeout does.
    case end
    /// Break the connection without finishing the chunked body.
    case abort
}

/// An open watch, as the cluster state tracks it.
struct WatchRegistration: Sendable {
    var resource: FakeResource
    var namespace: String?
    var metadataOnly: Bool
    var bookmarks: Bool
    /// A stalled watch receives nothing more, not even its timeout.
    var stalled = false
    var continuation: AsyncStream<WatchFrame>.Continuation

    func accepts(_ entry: HistoryEntry) -> Bool {
        entry.resource == resource && (namespace == nil || entry.object.namespace == namespace)
    }
}

/// Which requests a fake forbids with 403.
package enum ForbiddenScope: Sendable, Hashable {
    /// Every request for the resource.
    case everywhere
    /// Only cluster-wide requests (`/api/v1/pods`), as for a namespace-scoped user.
    case clusterWide
    /// Requests in one namespace.
    case namespace(String)
}

/// How the fake answers a watch from a compacted resourceVersion.
package enum GoneStyle: Sendable, Hashable {
    /// HTTP 200, then one `ERROR` event carrying a 410 Status (what a real apiserver does).
    case errorEvent
    /// HTTP 410 with a Status body.
    case httpStatus
}

/// One request the fake answered, kept so tests can check what a client asked.
package struct FakeRequestRecord: Sendable, Hashable {
    package var path: String
    package var query: String
    package var accept: String
    package var status: Int
    package var isWatch: Bool
}
