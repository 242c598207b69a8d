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
            let bytes = try await raw.readBytes { bytes in Self.closeFrame(in: bytes[headEnd...]) != nil }
            code.withLock { $0 = Self.closeFrame(in: bytes[headEnd...])?.closeCode }
        }
        return code.withLock { $0 }
    }

    /// The first close frame among the server's whole frames in `bytes`.
    static func closeFrame(in bytes: ArraySlice<UInt8>) -> ServerFrame? {
        ServerFrame.parse(bytes).first { $0.opcode == 0x8 }
    }

    @Test func invalidUTF8TextCloses1007() async throws {
        #expect(try await Self.closeCode(answering: clientFrame(0x1, [0xC3, 0x28])) == 1007)
    }

    @Test func reservedBitCloses1002() async throws {
        #expect(
            try await Self.closeCode(
                answering: clientFrame(0x1, Array(#"{"type":"ping"}"#.utf8), rsv1: true)) == 1002)
    }

    @Test func clientCloseIsAnsweredWithAValidCode() async throws {
        #expect(try await Self.closeCode(answering: clientFrame(0x8, [0x03, 0xE8])) == 1000)
        #expect(try await Self.closeCode(answering: clientFrame(0x8, [0x0F, 0xA0])) == 4000)
        // 1005 must never be sent on the wire: answered as a protocol error.
        #expect(try await Self.closeCode(answering: clientFrame(0x8, [0x03, 0xED])) == 1002)
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
