import Foundation
import GestaltConfig
import Hummingbird

/// What a route asks of the client, decided from the method and path
/// alone, so it sits in front of every route without touching them.
enum AccessRule: Equatable {
    /// Anyone: liveness probes.
    case open
    /// A token with this scope; `restrictable` routes narrow what they
    /// answer to the token's namespaces and clusters, the others refuse a
    /// restricted token (403) rather than answer with more than it may see.
    case scope(Principal.Scope, restrictable: Bool)

    static func of(method: HTTPRequest.Method, path rawPath: String) -> AccessRule {
        let path = normalized(rawPath)
        if openPaths.contains(path) { return .open }
        if writePrefixes.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            return .scope(.write, restrictable: false)
        }
        let restrictable =
            restrictablePaths.contains(path) || restrictablePrefixes.contains { path.hasPrefix($0) && path != $0 }
        return .scope(.read, restrictable: method == .get && restrictable)
    }

    /// The path as the router resolves it: empty segments skipped (so
    /// `/api//jobs` reaches the jobs route) and each segment percent-decoded.
    /// Matching the raw path would let such a spelling past the write scope.
    static func normalized(_ path: String) -> String {
        "/"
            + (PercentDecoding.decode(path) ?? path).split(separator: "/", omittingEmptySubsequences: true)
            .joined(separator: "/")
    }

    static let openPaths: Set<String> = ["/healthz", "/readyz"]
    /// The graph API changes the map, and jobs rescan or export all of it.
    static let writePrefixes = ["/api/graph", "/api/jobs"]
    /// Routes whose every answer goes through a `TopologyFilter` or
    /// `EventFilter` that carries the token's restriction (history's
    /// `?at=` and `?since=` answers included, on the same paths).
    static let restrictablePaths: Set<String> = [
        "/api/infra/topology", "/api/infra/topology/stream",
        "/api/infra/events", "/api/infra/events/stream",
        "/api/infra/ws", "/v1/realtime",
        // Narrowed by the route itself: only the scope's updates, and a 403
        // for a path whose target route cannot be narrowed (`PathRoutes`).
        "/api/infra/topology/changes", "/api/paths",
    ]
    /// Routes with an id or name after the prefix, narrowed by the route: an
    /// entity outside the scope is a 404, as if it did not exist.
    static let restrictablePrefixes = ["/api/infra/entities/", "/api/infra/metrics/", "/api/paths/"]
}
