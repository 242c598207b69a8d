import NIOCore
import NIOWebSocket
import Synchronization
import Testing

@testable import GestaltServer

/// Frames a WebSocket client library will not send, against the event-loop
/// session over a raw socket: each is answered with the close code RFC 6455
/// gives it.
@Suite(.timeLimit(.minutes(1))) struct DirectWebSocketFrameTests {
    static let handshake =
        "GET /api/infra/ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

    /// A masked client frame.
    static func frame(opcode: UInt8, payload: [UInt8], rsv1: Bool = false) -> [UInt8] {
        let mask: [UInt8] = [1, 2, 3, 4]
        return [0x80 | (rsv1 ? 0x40 : 0) | opcode, 0x80 | UInt8(payload.count)] + mask
            + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    /// Sends `frame` after the handshake and returns the code of the server's close frame.
    static func closeCode(answering frame: [UInt8]) async throws -> UInt16? {
        let code = Mutex<UInt16?>(nil)
        try await withLiveServer { _, port in
            let raw = try await RawConnection(port: port)
            defer { raw.close() }
            try await raw.send(handshake)
            try await raw.read(until: { $0.contains("\r\n\r\n") })
            #expect(raw.received.hasPrefix("HTTP/1.1 101"))
            try await raw.send(bytes: frame)
            let headEnd = raw.receivedBytes.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
            let bytes = try await raw.readBytes { bytes in Self.closePayload(in: bytes[headEnd...]) != nil }
            let payload = Self.closePayload(in: bytes[headEnd...])
            code.withLock { $0 = payload.flatMap { $0.count >= 2 ? UInt16($0[0]) << 8 | UInt16($0[1]) : nil } }
        }
        return code.withLock { $0 }
    }

    /// The payload of the first close frame among the server's frames in `bytes`.
    static func closePayload(in bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var index = bytes.startIndex
        while index + 2 <= bytes.endIndex {
            let opcode = bytes[index] & 0x0F
            var length = Int(bytes[index + 1] & 0x7F), header = 2
            if length == 126 {
                guard index + 4 <= bytes.endIndex else { return nil }
                length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]); header = 4
            } else if length == 127 {
                guard index + 10 <= bytes.endIndex else { return nil }
                length = bytes[(index + 2)..<(index + 10)].reduce(0) { $0 << 8 | Int($1) }; header = 10
            }
            guard index + header + length <= bytes.endIndex else { return nil }
            if opcode == 0x8 { return Array(bytes[(index + header)..<(index + header + length)]) }
            index += header + length
        }
        return nil
    }

    @Test func invalidUTF8TextCloses1007() async throws {
        #expect(try await Self.closeCode(answering: Self.frame(opcode: 0x1, payload: [0xC3, 0x28])) == 1007)
    }

    @Test func reservedBitCloses1002() async throws {
        #expect(
            try await Self.closeCode(
                answering: Self.frame(opcode: 0x1, payload: Array(#"{"type":"ping"}"#.utf8), rsv1: true)) == 1002)
    }

    @Test func clientCloseIsAnsweredWithAValidCode() async throws {
        #expect(try await Self.closeCode(answering: Self.frame(opcode: 0x8, payload: [0x03, 0xE8])) == 1000)
        #expect(try await Self.closeCode(answering: Self.frame(opcode: 0x8, payload: [0x0F, 0xA0])) == 4000)
        // 1005 must never be sent on the wire: answered as a protocol error.
        #expect(try await Self.closeCode(answering: Self.frame(opcode: 0x8, payload: [0x03, 0xED])) == 1002)
    }

    @Test func closeReplyCodes() {
        func reply(_ bytes: [UInt8]) -> WebSocketErrorCode {
            DirectWebSocketSession.closeReply(to: ByteBuffer(bytes: bytes))
        }
        #expect(reply([]) == .normalClosure)
        #expect(reply([0x03]) == .protocolError, "a one-byte payload is malformed")
        #expect(reply([0x03, 0xE9]) == .goingAway)
        #expect(reply([0x03, 0xEE]) == .protocolError, "1006 is never sent")
        #expect(reply([0x03, 0xF7]) == .protocolError, "1015 is never sent")
        #expect(reply([0x03, 0xE8, 0xFF]) == .protocolError, "the reason must be UTF-8")
    }
}
