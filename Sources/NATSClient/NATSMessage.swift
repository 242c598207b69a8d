package import NIOCore

/// One message as the server delivered it (MSG or HMSG).
package struct NATSMessage: Sendable, Equatable {
    package var subject: String
    /// The subscription id the server delivered it for.
    package var sid: UInt64
    package var replyTo: String?
    /// Present only for HMSG.
    package var headers: NATSHeaders?
    /// The payload bytes. Never a view of the socket's read buffer: a received
    /// payload shares one allocation of at most 16 KB with payloads of the
    /// same subscription from the same read (`NATSPayloadPacking`), or has its own when larger.
    package var payload: ByteBuffer

    package init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer)
    {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The payload as UTF-8 text.
    package var string: String { String(buffer: payload) }

    /// The status of a header-only status message (503 no responders, 404/408 from JetStream, 100 heartbeat).
    package var status: Int? { headers?.status }
}
