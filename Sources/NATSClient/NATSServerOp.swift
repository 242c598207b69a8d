/// One operation the server sends, as the decoder yields it.
package enum NATSServerOp: Sendable, Equatable {
    case info(NATSServerInfo)
    /// MSG and HMSG (headers present for HMSG).
    case message(NATSMessage)
    case ping
    case pong
    case ok
    /// `-ERR 'text'`, with the quotes removed.
    case error(String)
}
