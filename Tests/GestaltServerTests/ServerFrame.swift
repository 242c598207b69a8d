import NIOCore

@testable import GestaltServer

/// One frame as the server wrote it (unmasked), read from the raw bytes the
/// way a client would: the WebSocket tests look at frames the client
/// libraries hide (control pings, fragments, RSV1, close payloads).
struct ServerFrame {
    var fin: Bool
    var rsv1: Bool
    var opcode: UInt8
    var payload: ByteBuffer

    var text: String { String(buffer: payload) }
    /// A close frame's code (its first two bytes).
    var closeCode: UInt16? { payload.getInteger(at: payload.readerIndex, as: UInt16.self) }

    /// The whole frames at the front of `bytes`, read out of it; a frame not
    /// whole yet stays for the next call.
    static func take(from bytes: inout ByteBuffer) -> [ServerFrame] {
        var frames: [ServerFrame] = []
        while bytes.readableBytes >= 2 {
            let start = bytes.readerIndex
            guard let frame = next(&bytes) else {
                bytes.moveReaderIndex(to: start)
                break
            }
            frames.append(frame)
        }
        bytes.discardReadBytes()
        return frames
    }

    /// The whole frames in `bytes`.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [ServerFrame] {
        var buffer = ByteBuffer(bytes: bytes)
        return take(from: &buffer)
    }

    private static func next(_ bytes: inout ByteBuffer) -> ServerFrame? {
        guard let first = bytes.readInteger(as: UInt8.self), let second = bytes.readInteger(as: UInt8.self) else {
            return nil
        }
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let long = bytes.readInteger(as: UInt16.self) else { return nil }
            length = Int(long)
        } else if length == 127 {
            guard let long = bytes.readInteger(as: UInt64.self) else { return nil }
            length = Int(long)
        }
        guard let payload = bytes.readSlice(length: length) else { return nil }
        return ServerFrame(fin: first & 0x80 != 0, rsv1: first & 0x40 != 0, opcode: first & 0x0F, payload: payload)
    }

    /// The text messages among `frames`, fragments put together and those
    /// sent compressed (RSV1 on their first frame) inflated; control frames
    /// are skipped. A message not finished yet is left out.
    static func messages(_ frames: [ServerFrame]) throws -> [(text: ByteBuffer, compressed: Bool)] {
        var messages: [(text: ByteBuffer, compressed: Bool)] = []
        var current: (bytes: ByteBuffer, compressed: Bool)?
        for frame in frames where frame.opcode == 0x1 || frame.opcode == 0x0 {
            var payload = frame.payload
            if frame.opcode == 0x1 { current = (ByteBuffer(), frame.rsv1) }
            current?.bytes.writeBuffer(&payload)
            guard frame.fin, let message = current else { continue }
            current = nil
            guard message.compressed else {
                messages.append((message.bytes, false))
                continue
            }
            // The server keeps no context (server_no_context_takeover): each message inflates alone.
            var inflated = ByteBuffer()
            try MessageInflater(agreement: DeflateAgreement(clientNoContextTakeover: true))
                .inflate(message.bytes, fin: true, onto: &inflated, limit: 1 << 24)
            messages.append((inflated, true))
        }
        return messages
    }
}

/// A frame as a client sends it: masked, as RFC 6455 requires of clients.
func clientFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv1: Bool = false) -> [UInt8] {
    let mask: [UInt8] = [7, 1, 9, 4]
    var head: [UInt8] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode]
    if payload.count < 126 {
        head.append(0x80 | UInt8(payload.count))
    } else {
        head += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    }
    return head + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}
