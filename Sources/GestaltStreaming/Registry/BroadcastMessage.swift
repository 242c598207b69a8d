/// A message for every connected client, such as a `warning` or a
/// `namespace_summary`: a type and a payload encoded once for all of them.
public struct BroadcastMessage: Sendable {
    /// The envelope `type`, e.g. `warning`.
    public let type: String
    /// One complete JSON object.
    public let payload: [UInt8]

    public init(type: String, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }
}
