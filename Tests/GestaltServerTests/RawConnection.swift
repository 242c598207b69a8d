import NIOCore
import NIOPosix

/// A bare TCP connection: sends exactly the bytes a test writes (split
/// however it likes) and collects what comes back, so tests can see how the
/// server reads a connection's first request and frames its answers.
final class RawConnection {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Everything received so far, as text and as bytes.
    private(set) var received = ""
    private(set) var receivedBytes: [UInt8] = []
    private(set) var ended = false

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        iterator = channel.inbound.makeAsyncIterator()
        outbound = channel.outbound
    }

    func send(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text)) }

    func send(bytes: [UInt8]) async throws { try await outbound.write(ByteBuffer(bytes: bytes)) }

    /// Sends `text` one byte per write, each in its own segment.
    func trickle(_ text: String) async throws {
        for byte in text.utf8 {
            try await outbound.write(ByteBuffer(bytes: [byte]))
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Reads until `received` satisfies `done` or the connection ends.
    @discardableResult
    func read(until done: (String) -> Bool, timeout: Duration = .seconds(10)) async throws -> String {
        try await readChunks(until: { done(self.received) }, timeout: timeout)
        return received
    }

    /// Reads until `receivedBytes` satisfies `done` or the connection ends.
    @discardableResult
    func readBytes(until done: ([UInt8]) -> Bool, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await readChunks(until: { done(self.receivedBytes) }, timeout: timeout)
        return receivedBytes
    }

    private func readChunks(until done: () -> Bool, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !done(), !ended {
            guard ContinuousClock.now < deadline else { throw SSETimeout() }
            if let chunk = try await iterator.next() {
                received += String(buffer: chunk)
                receivedBytes += chunk.readableBytesView
            } else {
                ended = true
            }
        }
    }

    func readToEnd() async throws -> String { try await read(until: { _ in false }) }

    /// Closes our side for writing (a client like `nc -N` after its request).
    func halfClose() async throws {
        outbound.finish()
        try await channel.channel.close(mode: .output)
    }

    /// Must be called before the connection is dropped (NIO insists its writer is finished).
    func close() {
        outbound.finish()
        channel.channel.close(promise: nil)
    }
}
