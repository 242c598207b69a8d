import NATSClient
import NIOCore
import NIOPosix
import Synchronization
import TestPeers
import Testing

/// What the server says is wrong: a real nats-server's -ERR for a bad SUB,
/// and a malformed line on a live connection (from a stand-in server, since a
/// real one never sends one): a clean error, no crash, and the client carries on.
@Suite struct ServerErrorTests {
    @Test func aServerErrIsRecordedAndTheConnectionStaysUsable() async throws {
        let server = try await NATSServerFixture.start()
        defer { server.stop() }
        let nats = try await server.connect()
        // No white space, so the client lets it through; the server refuses it.
        _ = try await nats.subscribe(to: "orders..new")
        try await waitUntil("the server's -ERR to be recorded") {
            nats.lastError?.code == .serverError
        }
        #expect(nats.lastError?.message.contains("Invalid Subject") == true, "\(String(describing: nats.lastError))")
        #expect(nats.status == .connected)
        let fine = try await nats.subscribe(to: "orders.new")
        try await nats.flush()
        try await nats.publish("still here", to: "orders.new")
        #expect(try await take(1, from: fine).first?.string == "still here")
        await nats.close()
    }

    @Test func aMalformedLineOnALiveConnectionIsACleanErrorAndTheClientReconnects() async throws {
        let fake = try await LineServer.start(after: "MSG only.two.fields\r\n")
        defer { fake.stop() }
        let nats = try await NATSConnection.connect(
            NATSConnectionOptions(
                port: fake.port, reconnect: .init(initialDelay: .milliseconds(10), maxDelay: .milliseconds(50))))
        try await waitUntil("the protocol violation to be recorded and a reconnect made") {
            nats.lastError?.code == .protocolViolation && fake.connections >= 2
        }
        #expect(
            nats.lastError?.message.contains("malformed server line") == true, "\(String(describing: nats.lastError))")
        #expect(nats.status != .closed)
        await nats.close()
    }
}

/// A stand-in server: the handshake a nats-server does (INFO, then PONG to the
/// client's PING), then one fixed line, on every connection it accepts.
private final class LineServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let accepted: Accepted

    var connections: Int { accepted.count.load(ordering: .relaxed) }

    private init(channel: any Channel, accepted: Accepted) {
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.accepted = accepted
    }

    static func start(after line: String) async throws -> LineServer {
        let accepted = Accepted()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                accepted.count.add(1, ordering: .relaxed)
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handshake(line: line))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LineServer(channel: channel, accepted: accepted)
    }

    func stop() { channel.close(promise: nil) }

    private final class Accepted: Sendable {
        let count = Atomic<Int>(0)
    }

    private final class Handshake: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let line: String
        private var received = ""
        private var answered = false

        init(line: String) { self.line = line }

        func channelActive(context: ChannelHandlerContext) {
            let info = #"INFO {"server_id":"FAKE","version":"2.9.10","max_payload":1048576,"headers":true}"# + "\r\n"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: info)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            guard !answered, received.contains("PING\r\n") else { return }
            answered = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "PONG\r\n" + line)), promise: nil)
        }
    }
}
