import GestaltModel
import GestaltStreaming

/// The payloads the WebSocket session writes itself (`subscribed`, `error`,
/// `ping`, `pong`), each built with the project's JSON writer.
enum ServerPayloads {
    static func subscribed(
        channels: Set<StreamChannel>, topology: (revision: UInt64, resumed: Bool)?,
        events: (seq: UInt64, resumed: Bool)?, replyTo: String?
    ) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("channels"); w.beginArray(); for channel in channels.sorted() { w.string(channel.rawValue) }; w.endArray()
        if let topology {
            w.key("revision"); w.number(topology.revision)
            w.key("resumed"); w.bool(topology.resumed)
        }
        if let events {
            w.key("seq"); w.number(events.seq)
            w.key("events_resumed"); w.bool(events.resumed)
        }
        inReplyTo(replyTo, &w)
        w.endObject()
        return w.bytes
    }

    static func error(_ error: ClientMessageError, replyTo: String?) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("code"); w.string(error.code)
        w.key("message"); w.string(error.message)
        inReplyTo(replyTo, &w)
        w.endObject()
        return w.bytes
    }

    static func ping(seq: UInt64) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject(); w.key("seq"); w.number(seq); w.endObject()
        return w.bytes
    }

    static func pong(replyTo: String?) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject(); inReplyTo(replyTo, &w); w.endObject()
        return w.bytes
    }

    private static func inReplyTo(_ id: String?, _ w: inout JSONWriter) {
        if let id { w.key("in_reply_to"); w.string(id) }
    }
}
