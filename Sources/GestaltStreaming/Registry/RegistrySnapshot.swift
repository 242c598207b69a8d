/// The registry at one moment: counts by transport and channel, and every client.
public struct RegistrySnapshot: Sendable {
    /// Active connections per transport and channel.
    public var active: [StreamTransport: [StreamChannel: Int]]
    /// Active connections per transport, whatever their channels.
    public var connections: [StreamTransport: Int]
    public var clients: [ClientStatus]

    public func active(_ transport: StreamTransport, _ channel: StreamChannel) -> Int {
        active[transport]?[channel] ?? 0
    }

    /// The largest lag of any client.
    public var maxLag: UInt64 { clients.compactMap(\.lag).max() ?? 0 }
}
