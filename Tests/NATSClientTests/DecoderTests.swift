import NIOCore
import NIOEmbedded
import Testing

@testable import NATSClient

/// The server-protocol decoder alone, on an EmbeddedChannel: whole frames,
/// frames split at every byte, and malformed input that must give a clean error.
@Suite struct DecoderTests {
    static let info =
        #"INFO {"server_id":"S1","version":"2.9.10","max_payload":1048576,"headers":true,"jetstream":true}"# + "\r\n"

    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(NATSServerOpDecoder(maxControlLineLength: 256, maxPayloadLength: 4096)))
        return channel
    }

    private func ops(_ channel: EmbeddedChannel) throws -> [NATSServerOp] {
        var ops: [NATSServerOp] = []
        while let op = try channel.readInbound(as: NATSServerOp.self) { ops.append(op) }
        return ops
    }

    static let stream =
        info
        + "MSG foo.bar 9 11\r\nhello world\r\n"
        + "MSG foo.bar 9 reply.to 4\r\na\r\nb\r\n"
        + "HMSG h.s 2 _INBOX.x 25 30\r\nNATS/1.0\r\nA: 1\r\nB:two\r\n\r\nhello\r\n"
        + "HMSG r 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
        + "PING\r\npong\r\n+OK\r\n-ERR 'Authorization Violation'\r\n"
        + "MSG empty 1 0\r\n\r\n"

    private func check(_ ops: [NATSServerOp]) throws {
        try #require(ops.count == 9)
        guard case .info(let info) = ops[0] else { Issue.record("not INFO: \(ops[0])"); return }
        #expect(info.serverID == "S1" && info.maxPayload == 1_048_576 && info.headers && info.jetStream)
        #expect(ops[1] == .message(NATSMessage(subject: "foo.bar", sid: 9, payload: ByteBuffer(string: "hello world"))))
        #expect(
            ops[2]
                == .message(
                    NATSMessage(subject: "foo.bar", sid: 9, replyTo: "reply.to", payload: ByteBuffer(string: "a\r\nb")))
        )
        let headers = NATSHeaders([("A", "1"), ("B", "two")])
        #expect(
            ops[3]
                == .message(
                    NATSMessage(
                        subject: "h.s", sid: 2, replyTo: "_INBOX.x", headers: headers,
                        payload: ByteBuffer(string: "hello"))))
        guard case .message(let status) = ops[4] else { Issue.record("not HMSG: \(ops[4])"); return }
        #expect(status.status == 503 && status.payload.readableBytes == 0)
        #expect(Array(ops[5...8]) == [.ping, .pong, .ok, .error("Authorization Violation")])
    }

    @Test func decodesEveryOperationInOneRead() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: Self.stream))
        var all = try ops(channel)
        try check(Array(all.prefix(9)))
        all.removeFirst(9)
        #expect(all == [.message(NATSMessage(subject: "empty", sid: 1, payload: ByteBuffer()))])
    }

    @Test func decodesTheSameWhenSplitAtEveryByte() throws {
        let channel = try channel()
        var all: [NATSServerOp] = []
        for byte in Self.stream.utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            all += try ops(channel)
        }
        try check(Array(all.prefix(9)))
        #expect(all.count == 10)
    }

    @Test(arguments: [3, 7, 64, 100])
    func decodesTheSameInChunks(size: Int) throws {
        let channel = try channel()
        let bytes = Array(Self.stream.utf8)
        var all: [NATSServerOp] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
            all += try ops(channel)
        }
        try check(Array(all.prefix(9)))
    }

    @Test func aPayloadInManyReadsIsWaitedFor() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "MSG big 1 4000\r\n"))
        #expect(try ops(channel).isEmpty)
        for _ in 0..<39 {
            try channel.writeInbound(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100))
            #expect(try ops(channel).isEmpty)
        }
        try channel.writeInbound(ByteBuffer(string: String(repeating: "y", count: 100) + "\r\n"))
        let got = try ops(channel)
        try #require(got.count == 1)
        guard case .message(let message) = got[0] else { Issue.record("not a message"); return }
        #expect(
            message.payload.readableBytes == 4000
                && message.payload.getInteger(at: 3999, as: UInt8.self) == UInt8(ascii: "y"))
    }

    static let malformed: [String] = [
        "HELLO there\r\n",  // unknown operation
        "MSG foo 1 abc\r\nxyz\r\n",  // size not a number
        "MSG foo 1\r\n",  // too few fields
        "MSG a b c d e f\r\n",  // too many fields
        "MSG foo 1 3\r\nabcdef\r\n",  // payload not followed by CRLF
        "MSG foo 1 99999999\r\n",  // payload above the bound
        "MSG foo 1 -5\r\n",  // negative size
        "MSG foo 1 99999999999999999999999\r\n",  // overflowing size
        "HMSG foo 1 10 5\r\n",  // header larger than total
        "HMSG foo 1 6 6\r\nHTTP/1\r\n\r\n",  // header block without NATS/1.0
        "HMSG foo 1 22 22\r\nNATS/1.0 abc\r\nA: 1\r\n\r\n\r\n",  // bad status code
        "HMSG foo 1 21 21\r\nNATS/1.0\r\nnocolon\r\n\r\n\r\n",  // header line without ':'
        "INFO {not json}\r\n",  // INFO that is not JSON
        "INFO\r\n",  // INFO without JSON
        "\r\n",  // empty line
        String(repeating: "A", count: 300),  // control line too long without CRLF
        "\u{0}\u{1}\u{2}\u{ff}garbage\r\n",  // binary garbage
    ]

    @Test(arguments: malformed)
    func malformedInputIsACleanError(_ input: String) throws {
        let channel = try channel()
        #expect {
            try channel.writeInbound(ByteBuffer(string: input))
        } throws: { error in
            (error as? NATSError)?.code == .protocolViolation
        }
        _ = try? channel.finish()
    }

    @Test func garbageAfterGoodFramesStillDeliversTheGoodOnes() throws {
        var decoder = NATSServerOpDecoder()
        var buffer = ByteBuffer(string: "PING\r\nMSG a 1 1\r\nz\r\nBOGUS\r\n")
        #expect(try decoder.next(from: &buffer) == .ping)
        #expect(
            try decoder.next(from: &buffer)
                == .message(NATSMessage(subject: "a", sid: 1, payload: ByteBuffer(string: "z"))))
        #expect(throws: NATSError.self) { try decoder.next(from: &buffer) }
    }
}
