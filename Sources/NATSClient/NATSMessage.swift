import NIOCore

/// One message as the server delivered it (MSG or HMSG).
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    /// The subscription id the server delivered it for.
    public var sid: UInt64
    public var replyTo: String?
    /// Present only for HMSG.
    public var headers: NATSHeaders?
    /// The payload bytes. Never a view of the socket's read buffer: a received
    /// payload shares one allocation of at most 16 KB with payloads of the
    /// same subscription from the same read (`NATSPayloadPacking`), or has its own when larger.
    public var payload: ByteBuffer

    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer)
    {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The payload as UTF-8 text.
    public var string: String { String(buffer: payload) }

    /// The status of a header-only status message (503 no responders, 404/408 from JetStream, 100 heartbeat).
    public var status: Int? { headers?.status }
}
