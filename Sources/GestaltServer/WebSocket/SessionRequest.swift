import GestaltStreaming

/// What a WebSocket client asks of its session.
enum SessionInbox {
    /// A client request, answered in arrival order.
    enum Request: Sendable {
        case subscribe(SubscribeRequest, replyTo: String?)
        case unsubscribe(Set<StreamChannel>, replyTo: String?)
        case pong(replyTo: String?)
        case error(ClientMessageError, replyTo: String?)
    }
}

extension SessionInbox.Request {
    /// What a text message asks for; nil for a `pong`, which asks nothing.
    init?(text: String) {
        let parsed = ClientMessage.parse(text)
        switch (parsed.message, parsed.error) {
        case (.subscribe(let subscription)?, _): self = .subscribe(subscription, replyTo: parsed.replyTo)
        case (.unsubscribe(let channels)?, _): self = .unsubscribe(channels, replyTo: parsed.replyTo)
        case (.ping?, _): self = .pong(replyTo: parsed.replyTo)
        case (.pong?, _): return nil
        case (nil, let error):
            self = .error(error ?? ClientMessageError("invalid_message", "unreadable message"), replyTo: parsed.replyTo)
        }
    }

    static let binaryNotSupported = Self.error(
        ClientMessageError("binary_not_supported", "binary frames are not accepted; send JSON in text frames"),
        replyTo: nil
    )

    var isError: Bool { if case .error = self { true } else { false } }
    /// A client's `ping`, answered with a `pong`.
    var isPing: Bool { if case .pong = self { true } else { false } }
}
