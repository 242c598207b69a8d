/// One client as `/api/infra/subscriptions` shows it.
public struct ClientStatus: Sendable, Hashable {
    public var id: UInt64
    public var sessionID: String
    public var transport: StreamTransport
    public var channels: [StreamChannel]
    /// The client's topology cursor, when it follows the topology.
    public var revision: UInt64?
    /// Store revision minus the client's cursor: how far behind it is.
    public var lag: UInt64?
    /// Newest event seq minus the client's events cursor.
    public var eventLag: UInt64?
    public var messagesSent: UInt64
    public var bytesSent: UInt64
    /// Bytes handed to the socket and not yet written: at most one batch,
    /// because a client has no queue of its own.
    public var inFlightBytes: Int
    /// How long its current write has been blocked (nil when not writing).
    public var writeBlocked: Duration?
    public var connectedFor: Duration
}
