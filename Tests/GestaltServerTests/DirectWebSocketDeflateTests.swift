import CompressNIO
import Foundation
import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import GestaltServer

/// permessage-deflate (RFC 7692) on the event-loop session: the handshake's
/// answer, compressed frames both ways, a fragmented compressed message, a
/// client that keeps its context, and a deflate bomb. All on an
/// `EmbeddedChannel`: frames in, frames out, no socket.
@Suite struct DirectWebSocketDeflateTests {
    // MARK: Negotiation

    @Test func chromiumsOfferIsAcceptedWithServerNoContextTakeover() throws {
        let agreement = try #require(DeflateAgreement.negotiate(["permessage-deflate; client_max_window_bits"]))
        #expect(agreement == DeflateAgreement())
        #expect(agreement.responseHeader == "permessage-deflate; server_no_context_takeover")
    }

    @Test func clientNoContextTakeoverIsAnsweredOnlyWhenOffered() throws {
        let agreement = try #require(
            DeflateAgreement.negotiate([
                "permessage-deflate; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12"
            ]))
        #expect(agreement.clientNoContextTakeover)
        #expect(agreement.clientWindowBits == 12)
        #expect(
            agreement.responseHeader
                == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10"
        )
    }

    @Test func offersWithUnknownRepeatedOrOutOfRangeParametersAreDeclined() throws {
        #expect(DeflateAgreement.negotiate(["permessage-deflate; mystery"]) == nil)
        #expect(
            DeflateAgreement.negotiate(["permessage-deflate; server_no_context_takeover; server_no_context_takeover"])
                == nil)
        #expect(DeflateAgreement.negotiate(["permessage-deflate; server_max_window_bits=8"]) == nil)
        #expect(DeflateAgreement.negotiate(["permessage-deflate; server_max_window_bits"]) == nil)
        #expect(DeflateAgreement.negotiate(["permessage-deflate; client_max_window_bits=16"]) == nil)
        #expect(DeflateAgreement.negotiate(["x-webkit-deflate-frame"]) == nil)
        #expect(DeflateAgreement.negotiate([]) == nil)
        // The first acceptable offer wins, across header lines too.
        let second = try #require(
            DeflateAgreement.negotiate([
                "permessage-deflate; server_max_window_bits=8, x-other",
                "permessage-deflate; client_no_context_takeover",
            ]))
        #expect(second.clientNoContextTakeover)
    }

    // MARK: Frames

    @Test func compressedRequestGetsACompressedFullAndSmallAnswersGoPlain() throws {
        let store = Self.store(entities: 40)
        let client = try Client(store: store)
        try client.send(#"{"type":"subscribe","payload":{"channels":["topology"]}}"#, compressed: true)
        let answers = try client.messages()
        let full = try #require(answers.first { $0.text.contains(#""full""#) })
        #expect(full.compressed, "a full of 40 pods is worth compressing")
        #expect(try JSONSerialization.jsonObject(with: Data(full.text.utf8)) is [String: Any])

        try client.send(#"{"type":"ping","id":"p1"}"#, compressed: true)
        let pong = try #require(try client.messages().first { $0.text.contains(#""pong""#) })
        #expect(!pong.compressed, "a pong is too small to compress")

        // Updates from the fan-out (the shared batch, recompressed for this session).
        store.apply([.upsertEntity(entity("big", labels: Self.manyLabels))])
        client.channel.embeddedEventLoop.run()
        let add = try #require(try client.messages().first { $0.text.contains(#""big""#) })
        #expect(add.compressed)
        #expect(add.text.contains(#""add""#))
    }

    /// A compressed message longer than a frame goes out in pieces that each
    /// inflate to under 16 KiB: swift-websocket's client inflates frame by
    /// frame with that limit, and a `full` of 2 kB pods split after
    /// compression inflated to hundreds of KiB per frame (the client failed it and closed).
    @Test func everyFrameOfALongCompressedMessageInflatesToUnderAFrame() throws {
        let store = TopologyStore()
        let pad = ["pad": String(repeating: "x", count: 2000)]
        store.apply((0..<200).map { .upsertEntity(entity("p\($0)", labels: pad)) })
        let client = try Client(store: store)
        try client.send(#"{"type":"subscribe","payload":{"channels":["topology"]}}"#, compressed: false)
        let frames = try client.frames().filter { $0.opcode == 0x1 || $0.opcode == 0x0 }
        let start = try #require(frames.firstIndex { $0.opcode == 0x1 && $0.rsv1 })
        let end = try #require(frames[start...].firstIndex { $0.fin })
        #expect(end - start > 10, "a full of 200 such pods is many frames")
        // The client's view: one inflater across the message, each frame's output bounded.
        let inflater = MessageInflater(agreement: DeflateAgreement(clientNoContextTakeover: true))
        var whole = ByteBuffer()
        for frame in frames[start...end] {
            #expect(frame.payload.readableBytes <= 16 * 1024)
            var inflated = ByteBuffer()
            try inflater.inflate(frame.payload, fin: frame.fin, onto: &inflated, limit: 16 * 1024 - 1)
            whole.writeBuffer(&inflated)
        }
        let text = String(buffer: whole)
        #expect(text.contains(#""full""#) && text.contains(#""p199""#))
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test func fragmentedCompressedMessageIsInflatedWhole() throws {
        let client = try Client(store: Self.store(entities: 1))
        let message = #"{"type":"ping","id":""# + String(repeating: "fragment", count: 40) + #""}"#
        let compressed = Array(Self.deflate([message]).first!.readableBytesView)
        let third = compressed.count / 3
        try client.sendFrame(0x1, Array(compressed[..<third]), fin: false, rsv1: true)
        try client.sendFrame(0x0, Array(compressed[third..<(2 * third)]), fin: false)
        try client.sendFrame(0x0, Array(compressed[(2 * third)...]), fin: true)
        let pong = try #require(try client.messages().first)
        #expect(pong.text.contains(#""pong""#))
        #expect(pong.text.contains(String(repeating: "fragment", count: 40)))
    }

    @Test func clientContextIsKeptAcrossMessages() throws {
        let client = try Client(store: Self.store(entities: 1))
        // The second message refers back into the first: it inflates only
        // with the window the first left behind.
        let first = #"{"type":"ping","id":"remember-this-identifier-0001"}"#
        let second = #"{"type":"ping","id":"remember-this-identifier-0002"}"#
        let frames = Self.deflate([first, second], keepContext: true)
        #expect(frames[1].readableBytes < second.utf8.count / 2)
        for frame in frames { try client.sendFrame(0x1, Array(frame.readableBytesView), rsv1: true) }
        let pongs = try client.messages().map(\.text)
        #expect(pongs.count == 2)
        #expect(pongs[0].contains("0001") && pongs[1].contains("0002"))
    }

    @Test func deflateBombCloses1009() throws {
        let client = try Client(store: Self.store(entities: 1))
        // 4 MiB of spaces inside a ping: a few KiB on the wire, 64 times the limit inflated.
        let bomb = #"{"type":"ping","id":""# + String(repeating: " ", count: 4 << 20) + #""}"#
        let frame = Self.deflate([bomb])[0]
        #expect(frame.readableBytes < 64 * 1024)
        try client.sendFrame(0x1, Array(frame.readableBytesView), rsv1: true)
        #expect(client.closeCode() == 1009)
    }

    @Test func reservedBitWithoutDeflateStillCloses1002() throws {
        let client = try Client(store: Self.store(entities: 1), deflate: nil)
        try client.sendFrame(0x1, Array(Self.deflate([#"{"type":"ping"}"#])[0].readableBytesView), rsv1: true)
        #expect(client.closeCode() == 1002)
    }

    @Test func reservedBitOnAContinuationCloses1002() throws {
        let client = try Client(store: Self.store(entities: 1))
        try client.sendFrame(0x1, Array(#"{"type":"#.utf8), fin: false)
        try client.sendFrame(0x0, Array(#""ping"}"#.utf8), rsv1: true)
        #expect(client.closeCode() == 1002)
    }

    // MARK: Helpers

    static let manyLabels = Dictionary(uniqueKeysWithValues: (0..<20).map { ("label-\($0)", "value-\($0)-of-the-pod") })

    static func store(entities: Int) -> TopologyStore {
        let store = TopologyStore()
        store.apply((0..<entities).map { .upsertEntity(entity("pod-\($0)", labels: ["app": "shop"])) })
        return store
    }

    /// Client messages compressed as a browser does: raw deflate, sync flush, tail removed.
    static func deflate(_ messages: [String], keepContext: Bool = false) -> [ByteBuffer] {
        let compressor = try! ZlibCompressor(algorithm: .deflate)
        return messages.map { message in
            var input = ByteBuffer(string: message)
            var output = try! input.compressStream(with: compressor, flush: .sync)
            output.moveWriterIndex(to: output.writerIndex - 4)
            if !keepContext { try! compressor.reset() }
            return output
        }
    }

    /// A session on an EmbeddedChannel, behind the frame decoder as `DirectStreams` sets it up.
    final class Client {
        let channel = EmbeddedChannel()
        let fanout: TopologyFanout
        private var received = ByteBuffer()

        init(
            store: TopologyStore, deflate: DeflateAgreement? = DeflateAgreement(),
            constellation: ConstellationMessage.Tagging? = nil
        ) throws {
            let stats = StreamStats()
            fanout = TopologyFanout(store: store, stats: stats)
            let services = DirectWebSocketSession.Services(
                store: store, registry: StreamRegistry(store: store, stats: stats), fanout: fanout,
                heartbeat: WebSocketHeartbeat(interval: .seconds(30)), stream: StreamOptions(),
                options: WebSocketOptions())
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 64 * 1024)))
            try pipeline.addHandler(
                DirectWebSocketSession(
                    services: services, sessionID: nil, deflate: deflate, constellation: constellation))
            channel.embeddedEventLoop.run()
        }

        func send(_ text: String, compressed: Bool) throws {
            if compressed {
                try sendFrame(0x1, Array(DirectWebSocketDeflateTests.deflate([text])[0].readableBytesView), rsv1: true)
            } else {
                try sendFrame(0x1, Array(text.utf8))
            }
        }

        /// A masked client frame.
        func sendFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv1: Bool = false) throws {
            try channel.writeInbound(ByteBuffer(bytes: clientFrame(opcode, payload, fin: fin, rsv1: rsv1)))
            channel.embeddedEventLoop.run()
        }

        struct Message {
            var text: String
            var compressed: Bool
        }

        /// The server's text messages written since the last call, inflated.
        func messages() throws -> [Message] {
            try ServerFrame.messages(try frames()).map {
                Message(text: String(buffer: $0.text), compressed: $0.compressed)
            }
        }

        /// The code of the server's close frame, if it sent one.
        func closeCode() -> UInt16? {
            (try? frames())?.first { $0.opcode == 0x8 }?.closeCode
        }

        /// The server's whole frames written since the last call.
        func frames() throws -> [ServerFrame] {
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) { received.writeBuffer(&buffer) }
            return ServerFrame.take(from: &received)
        }
    }
}
