import GestaltModel
import NIOCore

/// Splits an SSE byte stream into messages as chunks arrive, scanning each
/// byte once (a message may span many chunks; a full snapshot is megabytes).
struct SSEScanner {
    private var buffer: [UInt8] = []
    private var messageStart = 0
    private var scanFrom = 0

    /// Calls `message` with the id (when the message has one) and the bytes of
    /// each complete message in `chunk`.
    mutating func feed(_ chunk: ByteBuffer, _ message: (UInt64?, ArraySlice<UInt8>) -> Void) {
        buffer.append(contentsOf: chunk.readableBytesView)
        var i = max(scanFrom, messageStart + 1)
        while i < buffer.count {
            if buffer[i] == 10, buffer[i - 1] == 10 {
                let bytes = buffer[messageStart..<(i - 1)]
                message(Self.id(of: bytes), bytes)
                messageStart = i + 1
                i = messageStart + 1
            } else {
                i += 1
            }
        }
        scanFrom = i
        if messageStart > 1 << 16, messageStart * 2 > buffer.count {
            buffer.removeFirst(messageStart)
            scanFrom -= messageStart
            messageStart = 0
        }
    }

    /// The value of an `id:` line at the start of the message.
    static func id(of bytes: ArraySlice<UInt8>) -> UInt64? {
        var i = bytes.startIndex
        guard bytes.count > 4, bytes[i] == UInt8(ascii: "i"), bytes[i + 1] == UInt8(ascii: "d"),
            bytes[i + 2] == UInt8(ascii: ":")
        else { return nil }
        i += 3
        if bytes[i] == UInt8(ascii: " ") { i += 1 }
        var value: UInt64 = 0
        while i < bytes.endIndex, bytes[i] >= 48, bytes[i] <= 57 { value = value * 10 + UInt64(bytes[i] - 48); i += 1 }
        return value
    }

    static let stampKey: [UInt8] = Array("\"timestamp\":\"".utf8)

    /// The update's own timestamp: the first `"timestamp"` of its JSON.
    static func timestampMilliseconds(in bytes: ArraySlice<UInt8>) -> Int64? {
        var i = bytes.startIndex
        let last = bytes.endIndex - stampKey.count - 24
        while i < last {
            if bytes[i] == stampKey[0], bytes[(i + 1)..<(i + stampKey.count)].elementsEqual(stampKey.dropFirst()) {
                let start = i + stampKey.count
                return Timestamp(rfc3339: String(decoding: bytes[start..<(start + 24)], as: UTF8.self))?
                    .millisecondsSince1970
            }
            i += 1
        }
        return nil
    }
}
