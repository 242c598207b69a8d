import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import GestaltServer

/// The direct session's frame reader answers as NIO's `WebSocketFrameDecoder`
/// (which it replaced) on the same bytes, however they are split into reads.
@Suite struct WebSocketFrameReaderTests {
    static let maxFrame = 70_000

    /// One frame's bytes as a client sends them (`mask` nil: unmasked).
    static func encoded(
        fin: Bool = true, rsv1: Bool = false, opcode: UInt8, mask: [UInt8]? = [1, 2, 3, 4], payload: [UInt8]
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126: bytes.append(maskBit | UInt8(payload.count))
        case ..<65_536: bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: bytes += [maskBit | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard let mask else { return bytes + payload }
        return bytes + mask + payload.enumerated().map { $1 ^ mask[$0 % 4] }
    }

    /// Feeds `bytes` in reads of the given sizes; the frames that came out, and the error if one did.
    static func read(
        _ bytes: [UInt8], in sizes: [Int], handler: some ChannelHandler
    ) throws -> (frames: [WebSocketFrame], error: (any Error)?) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        var frames: [WebSocketFrame] = []
        var offset = 0, index = 0, failure: (any Error)?
        while offset < bytes.count, failure == nil {
            let size = min(max(sizes[index % sizes.count], 1), bytes.count - offset)
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<offset + size]))
            } catch {
                failure = error
            }
            while let frame = try channel.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
            offset += size
            index += 1
        }
        _ = try? channel.finish()
        return (frames, failure)
    }

    static func both(_ bytes: [UInt8], in sizes: [Int]) throws -> (ours: [WebSocketFrame], nio: [WebSocketFrame]) {
        let ours = try read(bytes, in: sizes, handler: WebSocketFrameReader(maxFrameSize: maxFrame))
        let nio = try read(
            bytes, in: sizes, handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrame)))
        #expect(ours.error == nil && nio.error == nil)
        return (ours.frames, nio.frames)
    }

    @Test func framesOfEveryLengthFormAsNIOReadsThem() throws {
        func stream(lengths: [Int]) -> [UInt8] {
            var stream: [UInt8] = []
            for length in lengths {
                stream += Self.encoded(opcode: 0x1, payload: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            }
            stream += Self.encoded(opcode: 0x9, payload: Array("ping".utf8))
            stream += Self.encoded(fin: false, rsv1: true, opcode: 0x2, payload: [9, 8, 7])
            stream += Self.encoded(opcode: 0x0, mask: nil, payload: [6, 5])
            stream += Self.encoded(opcode: 0x8, payload: [0x03, 0xE8])
            return stream
        }
        // Every length form, in large reads; the short forms also a byte or a few at a time.
        let long = stream(lengths: [0, 1, 125, 126, 127, 1_000, 65_535, 65_536, 69_999])
        let short = stream(lengths: [0, 1, 125, 126, 127, 1_000])
        for (bytes, sizes) in [
            (long, [long.count]), (long, [200, 1, 70_000]), (long, [4_096]), (short, [1]), (short, [2, 3, 5, 7]),
        ] {
            let (ours, nio) = try Self.both(bytes, in: sizes)
            #expect(ours.count == (bytes == long ? 13 : 10))
            #expect(ours == nio, "reads of \(sizes)")
        }
        let (ours, _) = try Self.both(short, in: [short.count])
        #expect(ours[6].unmaskedData == ByteBuffer(string: "ping") && ours[6].opcode == .ping)
        #expect(!ours[7].fin && ours[7].rsv1 && ours[7].maskKey == [1, 2, 3, 4])
        #expect(ours[8].maskKey == nil && ours[8].data == ByteBuffer(bytes: [6, 5]))
    }

    /// Random frames cut at random places, from a fixed seed.
    @Test func randomFramesAndReadsAnswerAsNIODoes() throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<100 {
            var stream: [UInt8] = []
            for _ in 0..<(1 + next(6)) {
                let opcode = [0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA][next(7)]
                let control = opcode >= 0x8
                let length = control ? next(126) : [next(126), 126 + next(1_000), 65_536 + next(10)][next(3)]
                stream += Self.encoded(
                    fin: control || next(2) == 0, rsv1: next(4) == 0, opcode: UInt8(opcode),
                    mask: next(5) == 0 ? nil : (0..<4).map { _ in UInt8(next(256)) },
                    payload: (0..<length).map { _ in UInt8(next(256)) })
            }
            let sizes = [1 + next(8)] + (0..<3).map { _ in 1 + next(3_000) }
            let (ours, nio) = try Self.both(stream, in: sizes)
            #expect(ours == nio, "reads of \(sizes)")
        }
    }

    @Test func badFramesAreTheSameErrorsAndEndTheReading() throws {
        let cases: [(bytes: [UInt8], error: NIOWebSocketError)] = [
            // Too long, told before any of the payload is in.
            ([0x82, 0xFF] + [0, 0, 0, 0, 0, 0x01, 0x11, 0x71], .invalidFrameLength),
            ([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0], .invalidFrameLength),
            (Self.encoded(fin: false, opcode: 0x9, payload: [1]), .fragmentedControlFrame),
            (Self.encoded(opcode: 0x8, payload: Array(repeating: 0, count: 126)), .multiByteControlFrameLength),
        ]
        let good = Self.encoded(opcode: 0x1, payload: Array("ok".utf8))
        for (bad, expected) in cases {
            for sizes in [[1], [good.count + bad.count + good.count]] {
                let ours = try Self.read(
                    good + bad + good, in: sizes, handler: WebSocketFrameReader(maxFrameSize: Self.maxFrame))
                let nio = try Self.read(
                    good + bad + good, in: sizes,
                    handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: Self.maxFrame)))
                #expect(ours.error as? NIOWebSocketError == expected, "\(bad.prefix(4)) in reads of \(sizes)")
                #expect(nio.error as? NIOWebSocketError == expected)
                #expect(ours.frames.count == 1 && ours.frames == nio.frames, "the frame before, nothing after")
            }
        }
    }
}
