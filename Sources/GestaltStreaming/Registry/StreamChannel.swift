/// What a client listens to. SSE has one channel per route; a WebSocket may
/// hold several at once and change them with `subscribe` / `unsubscribe`.
package enum StreamChannel: String, Sendable, Hashable, CaseIterable, Comparable {
    case topology
    case events
    /// Job progress (PROTOCOL.md's `progress`, `frame`, ...). Accepted so a
    /// job's progress, plugin statuses, warnings, errors, frames and metadata.
    case jobs

    package static func < (a: StreamChannel, b: StreamChannel) -> Bool { a.rawValue < b.rawValue }
}
