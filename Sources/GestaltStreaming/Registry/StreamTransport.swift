/// How a client is connected: the registry counts and reports by transport.
public enum StreamTransport: String, Sendable, Hashable, CaseIterable {
    case sse
    case websocket = "ws"
}
