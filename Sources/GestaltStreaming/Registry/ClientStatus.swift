/// One client as `/api/infra/subscriptions` shows it.
package struct ClientStatus: Sendable, Hashable {
    package var id: UInt64
    package var sessionID: String
    package var transport: StreamTransport
    package var channels: [StreamChannel]
    /// The client's topology cursor, when it follows the topology.
    package var revision: UInt64?
    /// Store revision minus the client's cursor: how far behind it is.
    package var lag: UInt64?
    /// Newest event seq minus the client's events cursor.
    package var eventLag: UInt64?
    package var messagesSent: UInt64
    package var bytesSent: UInt64
    /// Bytes handed to the socket and not yet written: at most one batch,
    /// because a client has no queue of its own.
    package var inFlightBytes: Int
    /// How long its current write has been blocked (nil when not writing).
    package var writeBlocked: Duration?
    package var connectedFor: Duration
}
