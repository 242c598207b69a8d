/// What a client listens to. SSE has one channel per route; a WebSocket may
/// hold several at once and change them with `subscribe` / `unsubscribe`.
public enum StreamChannel: String, Sendable, Hashable, CaseIterable, Comparable {
    case topology
    case events
    /// Job progress (PROTOCOL.md's `progress`, `frame`, ...). Accepted so a
    /// client can subscribe ahead of time; nothing in the server emits jobs yet.
    case jobs

    public static func < (a: StreamChannel, b: StreamChannel) -> Bool { a.rawValue < b.rawValue }
}
