/// A message for every connected client, such as a `warning` or a
/// `namespace_summary`: a type and a payload encoded once for all of them.
package struct BroadcastMessage: Sendable {
    /// The envelope `type`, e.g. `warning`.
    package let type: String
    /// One complete JSON object.
    package let payload: [UInt8]
    /// Only clients subscribed to this channel get it; nil means every client.
    package let channel: StreamChannel?

    package init(type: String, payload: [UInt8], channel: StreamChannel? = nil) {
        self.type = type
        self.payload = payload
        self.channel = channel
    }
}
