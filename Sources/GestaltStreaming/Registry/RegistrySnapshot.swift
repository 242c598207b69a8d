/// The registry at one moment: counts by transport and channel, and every client.
package struct RegistrySnapshot: Sendable {
    /// Active connections per transport and channel.
    package var active: [StreamTransport: [StreamChannel: Int]]
    /// Active connections per transport, whatever their channels.
    package var connections: [StreamTransport: Int]
    package var clients: [ClientStatus]

    package func active(_ transport: StreamTransport, _ channel: StreamChannel) -> Int {
        active[transport]?[channel] ?? 0
    }

    /// The largest lag of any client.
    package var maxLag: UInt64 { clients.compactMap(\.lag).max() ?? 0 }
}
