/// A message for every connected client, such as a `warning` or a
/// `namespace_summary`: a type and a payload encoded once for all of them.
public struct BroadcastMessage: Sendable {
    /// The envelope `type`, e.g. `warning`.
    public let type: String
    /// One complete JSON object.
    public let payload: [UInt8]
    /// Only clients subscribed to this channel get it; nil means every client.
    public let channel: StreamChannel?

    public init(type: String, payload: [UInt8], channel: StreamChannel? = nil) {
        self.type = type
        self.payload = payload
        self.channel = channel
    }
}
