import GestaltStreaming
import Logging

/// Logs the registry's lifecycle events: joins and leaves at debug (there
/// may be thousands), stuck clients at warning.
struct StreamLifecycleLog: Sendable {
    let logger: Logger

    func callAsFunction(_ event: RegistryEvent) {
        switch event {
        case .connected(let connection):
            logger.debug("stream connected", metadata: metadata(connection))
        case .disconnected(let connection, let reason):
            var metadata = metadata(connection)
            metadata["reason"] = .string(reason.rawValue)
            logger.debug("stream disconnected", metadata: metadata)
        case .stuck(let connection, let blocked):
            var metadata = metadata(connection)
            metadata["blocked_for"] = .string("\(blocked)")
            logger.warning("stream stuck: disconnecting a client that stopped reading", metadata: metadata)
        }
    }

    private func metadata(_ connection: StreamConnection) -> Logger.Metadata {
        [
            "stream.id": .stringConvertible(connection.id),
            "stream.session": .string(connection.sessionID),
            "stream.transport": .string(connection.transport.rawValue),
        ]
    }
}
