import GestaltModel
import GestaltStreaming
import NIOCore

/// The envelopes one writer pass sends: encoded back to back into one
/// buffer (one timestamp for all), then written as frames sliced from it
/// without copying.
struct OutgoingBatch {
    private(set) var buffer = ByteBuffer()
    private(set) var frames: [Range<Int>] = []
    /// Taken when the first envelope is added: a session makes two batches
    /// on every fan-out pass and most stay empty, where reading the clock and
    /// formatting it was a tenth of the pass's own CPU (docs/BENCHMARKS.md, stop 32).
    private var stamp: [UInt8]?
    private var timestamp: [UInt8] {
        mutating get {
            if let stamp { return stamp }
            let now = Timestamp.now().rfc3339Bytes
            stamp = now
            return now
        }
    }

    var isEmpty: Bool { frames.isEmpty }
    var count: Int { frames.count }
    var bytes: Int { buffer.readableBytes }

    mutating func add(_ type: WebSocketMessageType, payload: [UInt8], id: UInt64? = nil) {
        let start = buffer.writerIndex
        WebSocketEnvelope.write(type, payload: payload, timestamp: timestamp, id: id, into: &buffer)
        finish(from: start)
    }

    mutating func add(_ message: BroadcastMessage) {
        let start = buffer.writerIndex
        WebSocketEnvelope.write(typeName: message.type, payload: message.payload, timestamp: timestamp, into: &buffer)
        finish(from: start)
    }

    /// A message of another protocol (Constellation's), sent as it is.
    mutating func add(raw json: [UInt8]) {
        let start = buffer.writerIndex
        buffer.writeBytes(json)
        frames.append(start..<buffer.writerIndex)
    }

    /// The frame's bytes, a slice of the batch's buffer.
    func slice(_ range: Range<Int>) -> ByteBuffer { buffer.getSlice(at: range.lowerBound, length: range.count)! }

    private mutating func finish(from start: Int) {
        frames.append(start..<buffer.writerIndex)
        // Every outgoing message is checked in debug builds, hence in every test run.
        assert(
            WebSocketMessageValidator.problems(in: buffer.readableBytesView[start..<buffer.writerIndex]).isEmpty,
            "invalid outgoing message: \(WebSocketMessageValidator.problems(in: buffer.readableBytesView[start..<buffer.writerIndex]))"
        )
    }
}
