import GestaltStreaming
import NIOCore
import NIOEmbedded
import NIOPosix
import Synchronization
import Testing

/// `SocketWriter` writes straight to the socket while NIO holds nothing,
/// and hands NIO the rest: bytes must arrive whole and in order either way.
@Suite struct SocketWriterTests {
    /// 16 MiB into a socket nobody reads: the first writes go straight to
    /// the socket, the socket fills, the rest wait in NIO, and a reader that
    /// starts late gets every chunk, in order.
    @Test func everyByteArrivesInOrderPastAFullSocket() async throws {
        let chunks = 4096, chunkBytes = 4096
        let received = Received()
        let (server, client) = try await Self.connect(
            server: { NumberedChunks(count: chunks, bytes: chunkBytes, report: received) },
            client: { Collect(into: received, expecting: chunks * chunkBytes) }, reading: false)
        defer { server.close(promise: nil) }
        // The server has written what the socket takes when this one reads.
        let sent = try await received.serverReport.value
        #expect(sent.direct > 0, "some chunks went straight to the socket")
        #expect(sent.direct < chunks * chunkBytes, "the socket filled, so NIO took the rest")
        try await client.setOption(.autoRead, value: true)
        client.read()
        let bytes = try await received.done.value
        #expect(bytes.count == chunks * chunkBytes)
        var misplaced = 0
        for chunk in 0..<chunks {
            let start = chunk * chunkBytes
            let number = bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
            if number != chunk || bytes[start + chunkBytes - 1] != UInt8(truncatingIfNeeded: chunk) { misplaced += 1 }
        }
        #expect(misplaced == 0)
        client.close(promise: nil)
    }

    /// No socket to lend (an `EmbeddedChannel`): every write goes through
    /// NIO, in the order written, and nothing is added to them.
    @Test func withoutASocketEverythingGoesThroughNIOInOrder() throws {
        let (channel, writer, context) = try Self.embeddedWriter()
        writer.write(ByteBuffer(string: "a"))
        writer.write(ByteBuffer(string: "b"))
        writer.write(ByteBuffer(string: "c"))
        writer.flush(context: context)
        writer.writeAndFlush(ByteBuffer(string: "d"), context: context)
        writer.flush(context: context)  // nothing queued: nothing written
        let out = try Self.written(channel)
        #expect(out == ["a", "b", "c", "d"])
        #expect(writer.directBytes == 0)
    }

    /// A write and flush sends what was queued before it first, with or
    /// without a promise (a close frame after a queued ping).
    @Test func writeAndFlushSendsWhatWasQueuedFirst() throws {
        let (channel, writer, context) = try Self.embeddedWriter()
        writer.write(ByteBuffer(string: "ping"))
        writer.writeAndFlush(ByteBuffer(string: "batch"), context: context)
        writer.write(ByteBuffer(string: "ping2"))
        let closed = channel.eventLoop.makePromise(of: Void.self)
        writer.writeAndFlush(ByteBuffer(string: "close"), context: context, promise: closed)
        let out = try Self.written(channel)
        #expect(out == ["ping", "batch", "ping2", "close"])
        try closed.futureResult.wait()
    }

    /// An empty write on a live socket sends nothing and breaks nothing.
    @Test func anEmptyWriteOnALiveSocketIsNothing() async throws {
        let received = Received()
        let (server, client) = try await Self.connect(
            server: { NumberedChunks(count: 1, bytes: 8, report: received, emptyFirst: true) },
            client: { Collect(into: received, expecting: 8) }, reading: true)
        defer { server.close(promise: nil) }
        let bytes = try await received.done.value
        #expect(bytes == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try await received.serverReport.value.direct == 8)
        client.close(promise: nil)
    }
}

extension SocketWriterTests {
    /// A writer on an `EmbeddedChannel`, which lends no socket.
    static func embeddedWriter() throws -> (EmbeddedChannel, SocketWriter, ChannelHandlerContext) {
        let channel = EmbeddedChannel()
        let handler = Holder()
        try channel.pipeline.syncOperations.addHandler(handler)
        return (channel, try #require(handler.writer), try #require(handler.context))
    }

    /// Every buffer the channel was sent, as text, in order.
    static func written(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
        return out
    }

    /// A loopback server whose connection gets the handler `server` makes,
    /// and a client of it with the one `client` makes, reading from the
    /// start or not.
    static func connect(
        server: @escaping @Sendable () -> any ChannelHandler, client: @escaping @Sendable () -> any ChannelHandler,
        reading: Bool
    ) async throws -> (server: any Channel, client: any Channel) {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(server()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let connected = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: reading)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(client()) }
            }
            .connect(to: listener.localAddress!).get()
        return (listener, connected)
    }
}

/// Holds a writer for the embedded test.
private final class Holder: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    var writer: SocketWriter?
    var context: ChannelHandlerContext?
    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        writer = SocketWriter(context: context)
    }
}

/// The server end: once connected, writes `count` chunks of `bytes`, each
/// starting with its number (4 bytes, big-endian) and ending with its low byte.
private final class NumberedChunks: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    let count: Int, bytes: Int
    let report: Received
    /// Writes an empty buffer before the chunks.
    let emptyFirst: Bool
    init(count: Int, bytes: Int, report: Received, emptyFirst: Bool = false) {
        self.count = count
        self.bytes = bytes
        self.report = report
        self.emptyFirst = emptyFirst
    }

    func channelActive(context: ChannelHandlerContext) {
        let writer = SocketWriter(context: context)
        if emptyFirst { writer.writeAndFlush(ByteBuffer(), context: context) }
        for chunk in 0..<count {
            var buffer = context.channel.allocator.buffer(capacity: bytes)
            buffer.writeInteger(UInt32(chunk))
            buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: chunk), count: bytes - 4)
            writer.writeAndFlush(buffer, context: context)
        }
        report.serverReport.set((direct: writer.directBytes, total: count * bytes))
        context.fireChannelActive()
    }
}

/// The client end: collects everything until `expecting` bytes are in.
private final class Collect: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: Received, expecting: Int
    var bytes: [UInt8] = []
    init(into received: Received, expecting: Int) {
        self.received = received
        self.expecting = expecting
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        if bytes.count >= expecting { received.done.set(bytes) }
    }
}

/// What the two ends saw.
private final class Received: Sendable {
    let done = Promised<[UInt8]>()
    let serverReport = Promised<(direct: Int, total: Int)>()
}

/// A value set once, awaited by the test.
private final class Promised<Value: Sendable>: Sendable {
    private let state = Mutex<(Value?, [CheckedContinuation<Value, any Error>])>((nil, []))
    var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if let value = state.0 { return value }
                    state.1.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
    func set(_ value: Value) {
        let waiting = state.withLock { state in
            state.0 = value
            defer { state.1 = [] }
            return state.1
        }
        for continuation in waiting { continuation.resume(returning: value) }
    }
}
