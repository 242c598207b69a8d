/// Why a NATS operation failed. A struct over a private enum, so new cases
/// do not break callers that switch on `code`.
package struct NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// The server's bytes broke the protocol (unknown op, bad sizes, missing CRLF, line too long).
        case protocolViolation
        /// The server answered `-ERR` (the message says why: authorization, permissions, ...).
        case serverError
        /// The server refused the credentials during the handshake.
        case authorizationViolation
        /// The outgoing buffer kept while disconnected is full; the bytes were not queued.
        case pendingBufferFull
        /// A subject, queue group or header is not valid on the wire.
        case invalidArgument
        /// A payload is larger than the server's `max_payload`.
        case payloadTooLarge
        /// No answer in time (request, flush, handshake).
        case timeout
        /// A request reached no subscriber (the server's 503 status).
        case noResponders
        /// The connection is not connected now (flush while reconnecting).
        case notConnected
        /// The connection was closed by `close()` or gave up reconnecting.
        case closed
        /// The TCP connection could not be made or was lost.
        case connectionFailed
        /// A JetStream API call returned an error object.
        case jetStream
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "NATS \(code): \(message)" }

    package static func == (lhs: NATSError, rhs: NATSError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
