public import GestaltConfig
public import GestaltModel

/// The client behind a request, once its token checked out: a name for
/// the logs, what it may do, and what part of the map it may see.
public struct Principal: Sendable, Hashable {
    public typealias Scope = AuthSettings.Scope

    /// The static token's name, or the JWT's `sub`.
    public var name: String
    public var scopes: Set<Scope>
    public var restriction: AccessRestriction

    public init(name: String, scopes: Set<Scope>, restriction: AccessRestriction = .none) {
        self.name = name
        self.scopes = scopes
        self.restriction = restriction
    }
}
