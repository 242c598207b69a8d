/// How a client is connected: the registry counts and reports by transport.
package enum StreamTransport: String, Sendable, Hashable, CaseIterable {
    case sse
    case websocket = "ws"
}
