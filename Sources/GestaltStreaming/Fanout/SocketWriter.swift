package import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a stream's bytes to its socket with one `send(2)` when NIO holds
/// none of them, and hands NIO whatever the socket does not take.
///
/// A fan-out pass writes one buffer per client. Through NIO's channel that
/// write (the pipeline, the pending-writes ring and its bookkeeping) cost
/// more of our own CPU per delivery than nginx + nchan spend on the whole
/// delivery outside the kernel (docs/BENCHMARKS.md, stop 32).
///
/// The socket: NIO lends it through its public
/// `withUnsafeTransportIfAvailable`, but that call makes a runtime cast to a
/// constrained existential, which demangles types each time and cost more
/// than the write it saved. So the descriptor is taken once, and each write
/// first checks that the channel is active, on the channel's loop. That is
/// enough for a number never to be written after NIO closed it (when a newer
/// connection may hold it): NIO's `close0` closes the socket and marks the
/// channel inactive in one step with no callout to other code between, on
/// this same loop.
///
/// Order: while any write handed to NIO has not completed, every later one
/// goes to NIO too, behind it. NIO completes a write once all of its bytes
/// are in the socket, so bytes written here never overtake NIO's. Every
/// write to the channel after `init` must go through this writer.
///
/// Loop-bound: use it only on the channel's event loop.
package final class SocketWriter {
    /// Writes handed to NIO that it has not completed.
    private var withNIO = 0
    /// What `write` queued for the next `flush`: usually one buffer.
    private var first: ByteBuffer?
    private var more: [ByteBuffer] = []
    /// Bytes that went straight to the socket (for tests, and a profile's reading).
    package private(set) var directBytes = 0
    /// The channel's socket; nil for a channel that lends none (an `EmbeddedChannel`).
    private let socket: NIOBSDSocket.Handle?

    /// Takes over the channel's writes from `context`. What was written
    /// before (a stream's head and opening) may still be in NIO: then a
    /// marker write behind it holds this writer to NIO until it completes.
    package init(context: ChannelHandlerContext) {
        socket = try? context.pipeline.syncOperations.withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self) {
            $0
        }
        let held = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)
        if socket != nil, held != 0 { handToNIO(ByteBuffer(), context: context) }
    }

    /// Queues `buffer` for the next `flush`.
    package func write(_ buffer: ByteBuffer) {
        if first == nil { first = buffer } else { more.append(buffer) }
    }

    /// Sends what `write` queued.
    package func flush(context: ChannelHandlerContext) {
        guard let buffer = first else { return }
        first = nil
        guard more.isEmpty else {
            // Several buffers (a session's own messages beside a batch) are
            // rare: NIO writes them with one writev.
            context.write(NIOAny(buffer), promise: nil)
            let last = more.removeLast()
            for buffer in more { context.write(NIOAny(buffer), promise: nil) }
            more = []
            return handToNIO(last, context: context)
        }
        writeAndFlush(buffer, context: context)
    }

    /// Sends what `write` queued, then `buffer`.
    package func writeAndFlush(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard first == nil else {
            write(buffer)
            return flush(context: context)
        }
        var rest = buffer
        if withNIO == 0, let socket, context.channel.isActive, let sent = Self.sendNow(buffer, to: socket) {
            directBytes &+= sent
            if sent == buffer.readableBytes { return }
            rest.moveReaderIndex(forwardBy: sent)
        }
        handToNIO(rest, context: context)
    }

    /// Sends what `write` queued, then `buffer` through NIO; `promise`
    /// completes when it is written (for a close that must follow it).
    package func writeAndFlush(
        _ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>
    ) {
        flush(context: context)
        handToNIO(buffer, context: context, promise: promise)
    }

    /// The socket's error, a full socket and a part left over all go to NIO,
    /// which writes what it can, waits for room, and closes on an error.
    private func handToNIO(
        _ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil
    ) {
        withNIO += 1
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { _ in self.withNIO -= 1 }
        context.writeAndFlush(NIOAny(buffer), promise: written)
    }

    /// Bytes the socket took; nil when it took none.
    private static func sendNow(_ buffer: ByteBuffer, to socket: NIOBSDSocket.Handle) -> Int? {
        let sent = buffer.withUnsafeReadableBytes { bytes in
            send(socket, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
        // -1 is an error, even for an empty buffer (a reset socket): NIO's to report.
        if sent > 0 || (sent == 0 && buffer.readableBytes == 0) { return sent }
        return nil
    }
}
