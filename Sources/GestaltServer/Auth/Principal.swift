package import GestaltConfig
package import GestaltModel

/// The client behind a request, once its token checked out: a name for
/// the logs, what it may do, and what part of the map it may see.
package struct Principal: Sendable, Hashable {
    package typealias Scope = AuthSettings.Scope

    /// The static token's name, or the JWT's `sub`.
    package var name: String
    package var scopes: Set<Scope>
    package var restriction: AccessRestriction

    package init(name: String, scopes: Set<Scope>, restriction: AccessRestriction = .none) {
        self.name = name
        self.scopes = scopes
        self.restriction = restriction
    }
}
