/// A lifecycle step, handed to the registry's observer (the server logs them).
package enum RegistryEvent: Sendable {
    case connected(StreamConnection)
    case disconnected(StreamConnection, DisconnectReason)
    /// A client's write was blocked past the stuck-client timeout.
    case stuck(StreamConnection, blockedFor: Duration)
}
