import GestaltEngine
import GestaltModel
import NIOCore

/// The start of an SSE topology stream; the deltas after it come from
/// `TopologyFanout`.
enum TopologyOpening {
    /// The stream's opening: `retry`, `connected` and the missed updates in
    /// one buffer; or `retry` and `connected`, then a `full` frame shared with
    /// every client that opens at the same revision, as a second buffer.
    static func frames(
        cursor: inout TopologyCursor, resumeFrom: UInt64?, recorded: RecordedBacklog?, stats: StreamStats
    ) -> [(buffer: ByteBuffer, messages: Int)] {
        let opening = cursor.start(resumeFrom: resumeFrom, recorded: recorded)
        var buffer = ByteBuffer()
        SSEFrame.retry(milliseconds: cursor.options.retryMilliseconds, into: &buffer)
        SSEFrame.event(
            "connected", json: ConnectedMessage.json(counter: "revision", opening.revision, resumed: opening.resumed),
            into: &buffer)
        if !opening.resumed, let full = opening.messages.first, cursor.view.filter.isEverything {
            stats.sent(messages: 1, bytes: full.json.count)
            return [(buffer, 0), (SharedFrame.shared.sseMessage(id: full.id, json: full.json), 1)]
        }
        let before = buffer.writerIndex
        for message in opening.messages { SSEFrame.message(id: message.id, json: message.json, into: &buffer) }
        stats.sent(messages: opening.messages.count, bytes: buffer.writerIndex - before)
        return [(buffer, opening.messages.count)]
    }
}

/// The data of `event: connected`: `{"revision": N, "resumed": bool}` (or `seq`).
enum ConnectedMessage {
    static func json(counter: StaticString, _ value: UInt64, resumed: Bool) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key(counter); w.number(value)
        w.key("resumed"); w.bool(resumed)
        w.endObject()
        return w.bytes
    }
}
