import GestaltEngine
import GestaltModel
import GestaltStreaming
import Logging
import NIOCore

/// Checks each job message once, where it is made, in every build: the
/// `jobs` channel carries a few messages per job, so parsing each costs
/// nothing a server would notice, and an invalid one (a progress past 100, a
/// plugin status the seed does not know) is dropped and logged instead of
/// reaching clients that trust the envelope. Topology deltas are many and
/// checked by the writers in debug builds only (SharedBatches.swift); so is
/// a rescan's `frame`, which holds a whole topology (tens of MB to parse
/// for one envelope check) encoded from typed values.
struct JobChannelGate: Sendable {
    let logger: Logger

    /// The message to broadcast on the `jobs` channel, or nil when its
    /// envelope would not be valid.
    func checked(type: String, payload: [UInt8]) -> BroadcastMessage? {
        if type == "frame" {
            assert(Self.problems(type: type, payload: payload).isEmpty, "invalid frame message")
            return BroadcastMessage(type: type, payload: payload, channel: .jobs)
        }
        let found = Self.problems(type: type, payload: payload)
        guard found.isEmpty else {
            logger.error(
                "dropped an invalid job message", metadata: ["type": "\(type)", "problems": "\(found)"])
            return nil
        }
        return BroadcastMessage(type: type, payload: payload, channel: .jobs)
    }

    /// What is wrong with the envelope the writers would send for this message.
    static func problems(type: String, payload: [UInt8]) -> [String] {
        var envelope = ByteBuffer()
        WebSocketEnvelope.write(
            typeName: type, payload: payload, timestamp: Timestamp.now().rfc3339Bytes, into: &envelope)
        return WebSocketMessageValidator.problems(in: envelope.readableBytesView)
    }
}
