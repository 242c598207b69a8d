/// Knobs of the WebSocket channel, with their defaults in one place.
package struct WebSocketOptions: Sendable {
    /// The server sends a control ping and a `ping` message this often.
    package var pingInterval: Duration = .seconds(30)
    /// A peer that sends nothing (not even the pong its WebSocket library
    /// answers a control ping with) through this many pings in a row is closed (1001).
    package var missedPingsAllowed: Int = 2
    /// Largest client message (and frame) accepted; larger ones close with 1009.
    package var maxMessageBytes: Int = 64 * 1024
    /// Outgoing messages longer than this go out as continuation frames, so
    /// clients with the common 16 KiB frame limit can read a large `full`.
    package var outboundFragmentBytes: Int = 1 << 14
    /// More invalid messages than this within `invalidMessageWindow` close with 1008.
    package var invalidMessageLimit: Int = 10
    package var invalidMessageWindow: Duration = .seconds(10)
    /// Broadcasts held for a client that is busy writing; older ones are dropped.
    package var maxPendingBroadcasts: Int = 64
    /// How long to wait for the client's close frame after ours.
    package var closeTimeout: Duration = .seconds(5)
    /// Accept permessage-deflate when a client offers it (`DeflateAgreement`).
    package var compression: Bool = true

    package init() {}
}
