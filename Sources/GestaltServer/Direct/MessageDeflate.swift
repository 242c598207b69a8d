import CompressNIO
import GestaltStreaming
import NIOCore
import Synchronization

/// Why a compressed client message could not be read.
enum InflateFailure: Error, Equatable {
    /// It inflates past the message limit (a deflate bomb among them): 1009.
    case tooBig
    /// Not a deflate stream: 1007.
    case corrupt
}

/// Inflates one session's compressed client messages (RFC 7692 §7.2.2). When
/// the client keeps its context across messages the inflater keeps its
/// window; otherwise it goes after each message, so an idle session holds none.
final class MessageInflater {
    private let agreement: DeflateAgreement
    private var decompressor: ZlibDecompressor?

    init(agreement: DeflateAgreement) { self.agreement = agreement }

    /// Inflates one frame of a compressed message onto `message`, which may
    /// grow to `limit` bytes and no further: a frame that would inflate past
    /// it stops there, so a bomb costs `limit` bytes of memory at most.
    func inflate(_ frame: ByteBuffer, fin: Bool, onto message: inout ByteBuffer, limit: Int) throws(InflateFailure) {
        var input = frame
        // The sender removed the sync flush's tail from the message's end (§7.2.1).
        if fin { input.writeBytes([0, 0, 0xFF, 0xFF]) }
        do {
            if decompressor == nil {
                decompressor = try ZlibDecompressor(
                    algorithm: .deflate, windowSize: Int32(max(9, agreement.clientWindowBits)))
            }
            let inflater = decompressor!
            while input.readableBytes > 0 {
                if message.writableBytes == 0 {
                    let room = limit + 1 - message.readableBytes
                    guard room > 0 else { throw InflateFailure.tooBig }
                    message.reserveCapacity(minimumWritableBytes: min(room, max(4096, message.readableBytes)))
                }
                let before = (input.readableBytes, message.readableBytes)
                do {
                    try inflater.inflate(from: &input, to: &message)
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    // Output space ran out: the loop grows it, up to the limit.
                } catch let error as CompressNIOError where error == .inputBufferOverflow {
                    break
                }
                // The stream ended (a final block) with input left over: nothing more comes out.
                if (input.readableBytes, message.readableBytes) == before, message.writableBytes > 0 { break }
            }
        } catch let failure as InflateFailure {
            throw failure
        } catch {
            throw .corrupt
        }
        guard message.readableBytes <= limit else { throw .tooBig }
        if fin, agreement.clientNoContextTakeover { decompressor = nil }
    }
}

/// Compresses server messages for sessions on one event loop. Every session
/// agreed to `server_no_context_takeover`, so a message is compressed on its
/// own and the deflater is reset after it: one deflater per loop (and window
/// size) serves all of them.
final class MessageDeflater {
    /// Smaller messages go out as they are (RFC 7692 lets a sender leave any
    /// message uncompressed): deflating them saves little and costs most.
    static let minBytes = 256
    private var compressors: [Int: ZlibCompressor] = [:]

    /// Appends `message` as frames, compressed when that makes it smaller.
    ///
    /// A long message is compressed in pieces of fewer than `fragmentBytes`
    /// bytes, each ended by a sync flush and sent as its own frame, so every
    /// frame inflates to less than the frame size a client reads. Splitting
    /// the compressed bytes instead gives frames that inflate to far more:
    /// swift-websocket's client, whose per-frame inflate limit is 16 KiB by
    /// default, fails such a message and closes with 1009.
    func writeMessage(
        _ message: ByteBufferView, windowBits: Int, fragmentBytes: Int, into framed: inout ByteBuffer
    ) {
        guard message.count >= Self.minBytes,
            let pieces = compress(message, windowBits: windowBits, pieceBytes: max(1, fragmentBytes - 1)),
            pieces.reduce(0, { $0 + $1.readableBytes }) < message.count
        else {
            return WebSocketWire.writeMessage(message, fragmentBytes: fragmentBytes, into: &framed)
        }
        for (index, piece) in pieces.enumerated() {
            let first = framed.writerIndex
            WebSocketWire.writeFrame(
                index == 0 ? .text : .continuation, fin: index == pieces.count - 1, payload: piece.readableBytesView,
                into: &framed)
            // RSV1 on the message's first frame marks it compressed (§6).
            if index == 0 { framed.setInteger(framed.getInteger(at: first, as: UInt8.self)! | 0x40, at: first) }
        }
    }

    /// Frames already written for uncompressed sessions (a shared topology
    /// batch), with each message worth compressing compressed; the rest are
    /// copied as they are.
    func recompress(_ framed: ByteBuffer, windowBits: Int, fragmentBytes: Int) -> ByteBuffer {
        // Every session on this loop at the same revision gets the same
        // shared batch in a pass, and without context it compresses the
        // same: compress it once (comparing bytes costs far less than deflate).
        if let last = lastRecompressed, last.windowBits == windowBits, last.input == framed { return last.output }
        let output = recompressUncached(framed, windowBits: windowBits, fragmentBytes: fragmentBytes)
        lastRecompressed = (framed, windowBits, output)
        return output
    }

    private var lastRecompressed: (input: ByteBuffer, windowBits: Int, output: ByteBuffer)?

    private func recompressUncached(_ framed: ByteBuffer, windowBits: Int, fragmentBytes: Int) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(framed.readableBytes)
        var reader = WireReader(buffer: framed)
        var payload = ByteBuffer()
        while let message = reader.nextMessage(payload: &payload) {
            if payload.readableBytes >= Self.minBytes {
                writeMessage(
                    payload.readableBytesView, windowBits: windowBits, fragmentBytes: fragmentBytes, into: &out)
            } else {
                var frames = framed.getSlice(at: message.lowerBound, length: message.count)!
                out.writeBuffer(&frames)
            }
        }
        return out
    }

    /// `message` deflated in pieces of `pieceBytes` input bytes, one deflate
    /// stream across them (a piece may refer back to earlier ones); nil when
    /// it fails or a piece does not shrink below a frame.
    private func compress(_ message: ByteBufferView, windowBits: Int, pieceBytes: Int) -> [ByteBuffer]? {
        do {
            let compressor: ZlibCompressor
            if let existing = compressors[windowBits] {
                compressor = existing
            } else {
                // Level 6, 64 KiB of state: browsers' own choice, and the
                // state is per loop, not per client.
                compressor = try ZlibCompressor(
                    algorithm: .deflate,
                    configuration: ZlibConfiguration(windowSize: Int32(windowBits), compressionLevel: 6, memoryLevel: 7)
                )
                compressors[windowBits] = compressor
            }
            defer { try? compressor.reset() }
            var pieces: [ByteBuffer] = []
            var start = message.startIndex
            repeat {
                let end = min(message.endIndex, start + pieceBytes)
                var input = ByteBuffer(message[start..<end])
                var output = try input.compressStream(with: compressor, flush: .sync)
                // Incompressible: as one frame it would be over the frame size.
                guard output.readableBytes <= pieceBytes + 1 else { return nil }
                if end == message.endIndex {
                    // A sync flush ends in 00 00 FF FF, which the receiver puts
                    // back after the message's last frame (§7.2.1); the pieces
                    // before keep theirs.
                    output.moveWriterIndex(to: output.writerIndex - 4)
                }
                pieces.append(output)
                start = end
            } while start < message.endIndex
            return pieces
        } catch {
            compressors[windowBits] = nil
            return nil
        }
    }
}

/// One deflater per event loop, handed to the sessions on it.
final class LoopDeflaters: Sendable {
    private let deflaters = Mutex<[ObjectIdentifier: NIOLoopBound<MessageDeflater>]>([:])

    init() {}

    /// The deflater of `loop`; call on `loop`.
    func deflater(on loop: any EventLoop) -> MessageDeflater {
        let bound = deflaters.withLock { deflaters in
            let key = ObjectIdentifier(loop)
            if let existing = deflaters[key] { return existing }
            let made = NIOLoopBound(MessageDeflater(), eventLoop: loop)
            deflaters[key] = made
            return made
        }
        return bound.value
    }
}

/// Walks server frames as `WebSocketWire` writes them (unmasked, FIN set on a
/// message's last frame), one message at a time.
struct WireReader {
    let buffer: ByteBuffer
    private var index: Int

    init(buffer: ByteBuffer) {
        self.buffer = buffer
        self.index = buffer.readerIndex
    }

    /// The next message's byte range, its payload joined into `payload`.
    mutating func nextMessage(payload: inout ByteBuffer) -> Range<Int>? {
        payload.clear()
        let start = index
        while index < buffer.writerIndex {
            guard let first = buffer.getInteger(at: index, as: UInt8.self),
                let second = buffer.getInteger(at: index + 1, as: UInt8.self)
            else { return nil }
            var length = Int(second & 0x7F), header = 2
            if length == 126 {
                length = Int(buffer.getInteger(at: index + 2, as: UInt16.self) ?? 0); header = 4
            } else if length == 127 {
                length = Int(buffer.getInteger(at: index + 2, as: UInt64.self) ?? 0); header = 10
            }
            guard let bytes = buffer.getSlice(at: index + header, length: length) else { return nil }
            var slice = bytes
            payload.writeBuffer(&slice)
            index += header + length
            if first & 0x80 != 0 { return start..<index }
        }
        return nil
    }
}
